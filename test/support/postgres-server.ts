// Starts a throwaway real PostgreSQL cluster (system binaries, no Docker) for tests.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { installSupabaseEnvironment } from './supabase-env';
import { chownToPostgres, freePort, makeTempDir, postgresOsUser, run, waitForQuery } from './proc';

export interface PgServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** postgres:// URL for database `db` as the superuser. */
  url(db: string): string;
  logFile: string;
  stop(): Promise<void>;
  /** Synchronous best-effort stop for process-exit handlers. */
  stopSync(): void;
}

/** Locates the newest /usr/lib/postgresql/<ver>/bin (or $PG_BIN) containing initdb and pg_ctl. */
export function findPgBin(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv && existsSync(path.join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')) && existsSync(path.join(root, v, 'bin', 'pg_ctl'))) : [];
  versions.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  const newest = versions[0];
  if (!newest) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: apt-get install -y postgresql');
  return path.join(root, newest, 'bin');
}

/** Starts PostgreSQL on a free 127.0.0.1 port with superuser postgres/postgres (scram-sha-256). */
export async function startPostgres(): Promise<PgServer> {
  const bin = findPgBin();
  const dir = makeTempDir('pg-test-');
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  const logFile = path.join(dir, 'postgres.log');
  const pwfile = path.join(dir, 'pwfile');
  writeFileSync(pwfile, 'postgres\n');
  writeFileSync(logFile, '');
  for (const p of [pwfile, logFile]) chownToPostgres(p);
  mkdirSync(sock, { mode: 0o700 });
  chownToPostgres(sock);

  await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], dir);
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: "'127.0.0.1'",
    port: String(port),
    unix_socket_directories: `'${sock}'`,
    password_encryption: "'scram-sha-256'",
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
    logging_collector: 'off',
    log_min_error_statement: 'error',
    timezone: "'UTC'",
  };
  appendFileSync(
    path.join(data, 'postgresql.conf'),
    '\n' +
      Object.entries(settings)
        .map(([k, v]) => `${k} = ${v}`)
        .join('\n') +
      '\n',
  );

  const pgCtl = path.join(bin, 'pg_ctl');
  const user = postgresOsUser();
  let stopped = false;
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      execFileSync(pgCtl, ['stop', '-D', data, '-m', 'immediate', '-w'], { cwd: dir, ...user, stdio: 'ignore' });
    } catch {
      /* already down */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = (db: string): string => `postgres://postgres:postgres@127.0.0.1:${port}/${encodeURIComponent(db)}`;
  try {
    await run(pgCtl, ['start', '-D', data, '-l', logFile, '-w', '-t', '30', '-o', `-k ${sock}`], dir);
    await waitForQuery(url('postgres'));
  } catch (err) {
    const log = existsSync(logFile) ? execFileSync('tail', ['-n', '30', logFile]).toString() : '';
    stopSync();
    throw new Error(`${String(err)}\n--- postgres log ---\n${log}`);
  }
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password: 'postgres',
    url,
    logFile,
    stopSync,
    async stop() {
      if (stopped) return;
      stopped = true;
      await run(pgCtl, ['stop', '-D', data, '-m', 'fast', '-w'], dir).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** (Re)creates database `name`; with `supabase: true` installs Supabase roles, `auth` schema and grants. */
export async function createDatabase(server: PgServer, name: string, opts: { supabase?: boolean } = {}): Promise<void> {
  const ident = `"${name.replace(/"/g, '""')}"`;
  const admin = postgres(server.url('postgres'), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${ident} with (force)`);
    await admin.unsafe(`create database ${ident}`);
  } finally {
    await admin.end();
  }
  if (opts.supabase) await installSupabaseEnvironment(server.url(name));
}
