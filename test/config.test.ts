/** Provider selection and configuration errors: no database needed, so these run on every selection. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, createDatabaseClient, getCurrentProvider, maskUrl, validateProviderConfig } from '../db';
import { isTransactionPoolerUrl } from '../db/providers/supabase';

const SECRET = 's3cr3t-Pa55';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELECTION_VARIABLES = /^(DB_PROVIDER|DATABASE_PROVIDER|DATABASE_URL|SQLITE_PATH|[A-Z]+_DATABASE_URL|SUPABASE_DIRECT_URL)$/;

describe('provider selection', () => {
  it('uses DB_PROVIDER first, then DATABASE_PROVIDER', () => {
    expect(getCurrentProvider({ DB_PROVIDER: 'local', NEON_DATABASE_URL: 'postgres://a@b/c' })).toMatchObject({ provider: 'local', reason: 'DB_PROVIDER=local' });
    expect(getCurrentProvider({ DATABASE_PROVIDER: 'supabase' }).provider).toBe('supabase');
  });

  it('falls back to the URLs in the order NEON, SUPABASE, LOCAL/DATABASE_URL', () => {
    const all = { NEON_DATABASE_URL: 'postgres://a@n/c', SUPABASE_DATABASE_URL: 'postgres://a@s/c', LOCAL_DATABASE_URL: 'postgres://a@l/c' };
    expect(getCurrentProvider(all).provider).toBe('neon');
    expect(getCurrentProvider({ ...all, NEON_DATABASE_URL: '' }).provider).toBe('supabase');
    expect(getCurrentProvider({ LOCAL_DATABASE_URL: all.LOCAL_DATABASE_URL }).provider).toBe('local');
    expect(getCurrentProvider({ DATABASE_URL: 'postgres://a@d/c' })).toMatchObject({ provider: 'local', reason: 'DATABASE_URL is set' });
  });

  it('SQLITE_PATH=~/… means the home folder, as in a shell (no folder named "~")', async () => {
    const home = mkdtempSync(join(tmpdir(), 'home-'));
    const previous = process.env.HOME;
    process.env.HOME = home;
    try {
      const db = createDatabaseClient('sqlite', { url: '~/nested/app.db' });
      await db.close();
      expect(db.target).toBe(`sqlite file ${join(home, 'nested/app.db')}`);
      expect(existsSync(join(home, 'nested/app.db'))).toBe(true);
      expect(existsSync('~')).toBe(false);
    } finally {
      process.env.HOME = previous;
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('defaults to the embedded SQLite file when nothing is configured', () => {
    const current = getCurrentProvider({});
    expect(current.provider).toBe('sqlite');
    expect(current.reason).toContain('./data/app.db');
  });

  it('rejects an unknown DB_PROVIDER with the list of valid ones', () => {
    expect(() => getCurrentProvider({ DB_PROVIDER: 'oracle' })).toThrow(ConfigError);
    expect(() => getCurrentProvider({ DB_PROVIDER: 'oracle' })).toThrow(/"oracle".*sqlite, local, supabase, neon/);
    expect(() => createDatabaseClient('mysql')).toThrow(/Unknown provider "mysql": use one of sqlite, local, supabase, neon/);
  });
});

describe('configuration errors name the variable and hide the password', () => {
  const cases = [
    { provider: 'local', env: {}, pattern: /LOCAL_DATABASE_URL \(or DATABASE_URL\) is not set/ },
    { provider: 'supabase', env: {}, pattern: /SUPABASE_DATABASE_URL is not set/ },
    { provider: 'neon', env: {}, pattern: /NEON_DATABASE_URL is not set/ },
    { provider: 'local', env: { LOCAL_DATABASE_URL: 'not a url' }, pattern: /LOCAL_DATABASE_URL is not a valid URL/ },
    { provider: 'neon', env: { NEON_DATABASE_URL: `mysql://u:${SECRET}@h/db` }, pattern: /NEON_DATABASE_URL must start with postgres:\/\// },
    { provider: 'neon', env: { NEON_DATABASE_URL: 'postgres://u@h/db', NEON_DRIVER: 'grpc' }, pattern: /NEON_DRIVER must be "ws" or "http"/ },
    { provider: 'supabase', env: { SUPABASE_DATABASE_URL: `postgres://u:${SECRET}@db.example.com:5432/postgres?sslmode=disable` }, pattern: /requires TLS/ },
    { provider: 'sqlite', env: { SQLITE_SYNCHRONOUS: 'SOMETIMES' }, pattern: /SQLITE_SYNCHRONOUS must be NORMAL or FULL/ },
    { provider: 'local', env: { LOCAL_DATABASE_URL: 'postgres://u@h/db', DB_POOL_MAX: 'lots' }, pattern: /DB_POOL_MAX must be a positive integer/ },
  ] as const;

  for (const c of cases) {
    it(`${c.provider} with ${JSON.stringify(Object.keys(c.env))} → ${c.pattern.source}`, () => {
      const result = validateProviderConfig(c.provider, {}, c.env);
      expect(result.ok).toBe(false);
      expect(result.problems.join('\n')).toMatch(c.pattern);
      expect(result.problems.join('\n')).not.toContain(SECRET);
      let thrown: unknown;
      try {
        createDatabaseClient(c.provider, {}, c.env);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).code).toBe('CONFIG');
      expect((thrown as Error).message).toMatch(c.pattern);
      expect((thrown as Error).message).not.toContain(SECRET);
    });
  }

  it('accepts a complete configuration', () => {
    expect(validateProviderConfig('local', {}, { DATABASE_URL: 'postgres://u:p@localhost:5432/app' })).toEqual({ ok: true, problems: [] });
    expect(validateProviderConfig('sqlite', {}, {})).toEqual({ ok: true, problems: [] });
  });

  it('masks passwords in URLs', () => {
    expect(maskUrl(`postgres://app:${SECRET}@db.example.com:5432/app`)).toBe('postgres://app:****@db.example.com:5432/app');
  });
});

describe('supabase transaction pooler detection', () => {
  it('turns prepared statements off for port 6543 or pgbouncer=true only', () => {
    expect(isTransactionPoolerUrl('postgres://u:p@aws-0-eu.pooler.supabase.com:6543/postgres')).toBe(true);
    expect(isTransactionPoolerUrl('postgres://u:p@127.0.0.1:7000/postgres?pgbouncer=true')).toBe(true);
    expect(isTransactionPoolerUrl('postgres://u:p@db.x.supabase.co:5432/postgres')).toBe(false);
  });
});

describe('.env', () => {
  it('app code and the scripts read the same .env of the working directory, so they pick the same database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dotenv-'));
    try {
      writeFileSync(join(dir, '.env'), 'SQLITE_PATH=./chosen-by-dotenv.db\n');
      const app = `import { createDefaultClient, getCurrentProvider, runMigrations } from ${JSON.stringify(join(ROOT, 'db/index.ts'))};
const db = createDefaultClient();
const { applied } = await runMigrations(db);
console.log(JSON.stringify({ reason: getCurrentProvider().reason, applied: applied.length }));
await db.close();`;
      writeFileSync(join(dir, 'app.ts'), app);
      // Nothing from this process's environment may decide the selection: only the .env file.
      const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !SELECTION_VARIABLES.test(name)));
      const tsx = (file: string) => spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [file], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
      const ran = tsx('app.ts');
      expect(ran.status, ran.stderr).toBe(0);
      const out = JSON.parse(ran.stdout.trim().split('\n').at(-1)!) as { reason: string; applied: number };
      expect(out.reason).toBe('SQLITE_PATH is set');
      expect(out.applied).toBeGreaterThan(0);
      expect(existsSync(join(dir, 'chosen-by-dotenv.db'))).toBe(true);
      expect(existsSync(join(dir, 'data'))).toBe(false);
      const status = tsx(join(ROOT, 'scripts/status.ts'));
      expect(status.stdout).toContain(`sqlite: ${out.applied} applied, 0 pending`);
      expect(status.status, status.stdout + status.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
