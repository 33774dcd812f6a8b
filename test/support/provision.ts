/**
 * The system packages the test servers need (PostgreSQL server binaries, pgbouncer), installed on first use
 * so that `npm test` is all a fresh machine needs. Installing takes root and apt-get (Debian); anywhere else
 * the error names the command to run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const PG_ROOT = '/usr/lib/postgresql';

function hasPostgres(): boolean {
  if (process.env.PG_BIN && existsSync(path.join(process.env.PG_BIN, 'initdb'))) return true;
  return existsSync(PG_ROOT) && readdirSync(PG_ROOT).some((v) => existsSync(path.join(PG_ROOT, v, 'bin', 'initdb')));
}

function hasPgbouncer(): boolean {
  return [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/bin'].some((dir) => dir && existsSync(path.join(dir, 'pgbouncer')));
}

/** Installs what is missing of postgresql and pgbouncer (root + apt-get), or throws naming the command. */
export function ensureServerPackages(): void {
  const missing = [...(hasPostgres() ? [] : ['postgresql']), ...(hasPgbouncer() ? [] : ['pgbouncer'])];
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`The test servers need ${missing.join(' and ')}: run \`sudo ${command}\` (Debian/Ubuntu), then npm test again`);
  }
  console.log(`npm test: installing ${missing.join(', ')} (${command})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
}
