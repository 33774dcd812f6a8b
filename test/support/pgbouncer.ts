// Starts a real pgbouncer (transaction pooling) in front of a test PostgreSQL server.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PgServer } from './postgres-server';
import { chownToPostgres, freePort, makeTempDir, postgresOsUser, waitForQuery } from './proc';

export interface PgbouncerServer {
  port: number;
  /** Plain postgres:// URL through pgbouncer (callers add query params). */
  url(db: string, user?: string, password?: string): string;
  logFile: string;
  stop(): Promise<void>;
  /** Synchronous best-effort kill for process-exit handlers. */
  stopSync(): void;
}

/** Finds the pgbouncer binary on PATH or in /usr/sbin, or throws naming the package to install. */
export function findPgbouncer(): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/bin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'pgbouncer');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('pgbouncer binary not found: apt-get install -y pgbouncer');
}

/** Starts pgbouncer (pool_mode=transaction, scram auth, wildcard db) on a free 127.0.0.1 port. */
export async function startPgbouncer(pg: PgServer): Promise<PgbouncerServer> {
  const bin = findPgbouncer();
  const dir = makeTempDir('pgbouncer-test-');
  const port = await freePort();
  const logFile = path.join(dir, 'pgbouncer.log');
  const authFile = path.join(dir, 'userlist.txt');
  const iniFile = path.join(dir, 'pgbouncer.ini');
  writeFileSync(authFile, '"postgres" "postgres"\n"authenticator" "authenticator"\n');
  writeFileSync(
    iniFile,
    [
      '[databases]',
      `* = host=${pg.host} port=${pg.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      'auth_type = scram-sha-256',
      `auth_file = ${authFile}`,
      'pool_mode = transaction',
      'max_client_conn = 500',
      'default_pool_size = 20',
      'ignore_startup_parameters = extra_float_digits,options,search_path',
      `logfile = ${logFile}`,
      'admin_users = postgres',
      '',
    ].join('\n'),
  );
  writeFileSync(logFile, '');
  for (const f of [authFile, iniFile, logFile]) chownToPostgres(f);

  const child = spawn(bin, [iniFile], { cwd: dir, ...postgresOsUser(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let exited: string | undefined;
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.on('error', (err) => (exited = `pgbouncer failed to spawn: ${err.message}`));
  const closed = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exited ??= `pgbouncer exited early (code ${code}, signal ${signal}): ${stderr}`;
      resolve();
    }),
  );
  const url = (db: string, user = pg.user, password = pg.password): string => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
  let stopped = false;
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForQuery(url('postgres'), 30_000, () => exited);
  } catch (err) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '';
    stopSync();
    throw new Error(`${String(err)}\n--- pgbouncer log ---\n${log}`);
  }
  return {
    port,
    url,
    logFile,
    stopSync,
    async stop() {
      if (stopped) return;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM'); // pgbouncer: SIGTERM = immediate shutdown (SIGINT would wait for clients)
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await closed;
        clearTimeout(timer);
      }
      stopSync();
    },
  };
}
