// Small process/filesystem helpers shared by the test server harness.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

export interface RunAs {
  uid: number;
  gid: number;
}

let cachedRunAs: RunAs | null | undefined;

/** Credentials of the OS user `postgres` when we are root (servers refuse root), else undefined. */
export function postgresOsUser(): RunAs | undefined {
  if (cachedRunAs !== undefined) return cachedRunAs ?? undefined;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    cachedRunAs = null;
    return undefined;
  }
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const parts = line?.split(':') ?? [];
  const uid = Number(parts[2]);
  const gid = Number(parts[3]);
  if (!line || !Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new Error('Running as root but OS user "postgres" does not exist: apt-get install -y postgresql');
  }
  cachedRunAs = { uid, gid };
  return cachedRunAs;
}

/** Runs a command (as `postgres` when root) and resolves with stdout; rejects with stderr included. */
export function run(cmd: string, args: string[], cwd: string): Promise<string> {
  const user = postgresOsUser();
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, ...user, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(cmd)} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Creates a fresh temp dir (mode 0755) owned by `postgres` when root. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  chownToPostgres(dir);
  return dir;
}

/** chown a path to the `postgres` OS user when running as root (no-op otherwise). */
export function chownToPostgres(p: string): void {
  const user = postgresOsUser();
  if (user) chownSync(p, user.uid, user.gid);
}

/** Finds a free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

/** Retries `select 1` through postgres.js until it succeeds or the timeout elapses. */
export async function waitForQuery(url: string, timeoutMs = 30_000, isDead?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const dead = isDead?.();
    if (dead) throw new Error(dead);
    const sql = postgres(url, { max: 1, connect_timeout: 2, prepare: false, onnotice: () => {} });
    try {
      await sql`select 1`;
      return;
    } catch (err) {
      last = err;
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url.replace(/:[^:@/]*@/, ':***@')} not ready: ${String(last)}`);
}
