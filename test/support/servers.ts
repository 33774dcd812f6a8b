// Starts every real server the tests need (PostgreSQL, pgbouncer, Neon WS proxy, Neon HTTP endpoint).
import { startNeonHttpEndpoint, type NeonHttpEndpoint } from './neon-http-endpoint';
import { startNeonWsProxy, type NeonWsProxy } from './neon-ws-proxy';
import { startPgbouncer, type PgbouncerServer } from './pgbouncer';
import { startPostgres, type PgServer } from './postgres-server';
import { ensureServerPackages } from './provision';

export interface AllServers {
  pg: PgServer;
  pgbouncer: PgbouncerServer;
  wsProxy: NeonWsProxy;
  http: NeonHttpEndpoint;
  /** Milliseconds it took to start everything. */
  startupMs: number;
  /** Stops everything (idempotent, never throws). */
  stopAll(): Promise<void>;
}

/** Starts postgres, then pgbouncer / ws proxy / http endpoint in parallel; cleans up on failure and process exit. */
export async function startAllServers(): Promise<AllServers> {
  ensureServerPackages();
  const started = Date.now();
  let pg: PgServer | undefined;
  let pgbouncer: PgbouncerServer | undefined;
  let wsProxy: NeonWsProxy | undefined;
  let http: NeonHttpEndpoint | undefined;

  // Last-resort cleanup if the process exits without stopAll(): only synchronous work is possible here.
  const onExit = (): void => {
    pgbouncer?.stopSync();
    pg?.stopSync();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    onExit();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> => {
    stopping ??= (async () => {
      await Promise.allSettled([http?.stop(), wsProxy?.stop(), pgbouncer?.stop()]);
      await pg?.stop().catch(() => {});
      process.removeListener('exit', onExit);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    })();
    return stopping;
  };

  try {
    pg = await startPostgres();
    const pgServer = pg;
    const [bouncer, proxy, endpoint] = await Promise.allSettled([startPgbouncer(pgServer), startNeonWsProxy(pgServer), startNeonHttpEndpoint()]);
    if (bouncer.status === 'fulfilled') pgbouncer = bouncer.value;
    if (proxy.status === 'fulfilled') wsProxy = proxy.value;
    if (endpoint.status === 'fulfilled') http = endpoint.value;
    for (const r of [bouncer, proxy, endpoint]) if (r.status === 'rejected') throw r.reason;
    if (!pgbouncer || !wsProxy || !http) throw new Error('a test server failed to start');
    return { pg: pgServer, pgbouncer, wsProxy, http, startupMs: Date.now() - started, stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
