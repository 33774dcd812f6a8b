/**
 * A real PostgreSQL that is running but refuses logins with 57P03 ("the database system is not accepting
 * connections") until promote(): a fresh cluster started as a standby (standby.signal, hot_standby = off)
 * with no primary, like a server still in recovery after a restart. Promoting it ends recovery.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findPgBin } from './postgres-server';
import { chownToPostgres, freePort, makeTempDir, postgresOsUser, run } from './proc';

export interface NotYetAccepting {
  port: number;
  /** Superuser postgres/postgres URL for `db`. */
  url(db: string): string;
  /** Ends recovery: from then on logins succeed. */
  promote(): Promise<void>;
  stop(): void;
}

/** Starts the cluster on a free 127.0.0.1 port (as the postgres OS user when root). */
export async function startNotYetAccepting(): Promise<NotYetAccepting> {
  const bin = findPgBin();
  const dir = makeTempDir('pg-standby-test-');
  const data = path.join(dir, 'data');
  const pwfile = path.join(dir, 'pwfile');
  writeFileSync(pwfile, 'postgres\n');
  chownToPostgres(pwfile);
  await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], dir);
  const port = await freePort();
  appendFileSync(path.join(data, 'postgresql.conf'), `\nport = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${dir}'\nhot_standby = off\nfsync = off\n`);
  writeFileSync(path.join(data, 'standby.signal'), '');
  chownToPostgres(path.join(data, 'standby.signal'));
  const pgCtl = path.join(bin, 'pg_ctl');
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      execFileSync(pgCtl, ['stop', '-D', data, '-m', 'immediate', '-w'], { cwd: dir, ...postgresOsUser(), stdio: 'ignore' });
    } catch {
      // already down
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run(pgCtl, ['start', '-D', data, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '30'], dir);
  } catch (error) {
    stop();
    throw error;
  }
  return {
    port,
    url: (db) => `postgres://postgres:postgres@127.0.0.1:${port}/${db}`,
    promote: () => run(pgCtl, ['promote', '-D', data, '-w', '-t', '30'], dir).then(() => undefined),
    stop,
  };
}
