/**
 * The provider matrix. Every behaviour test loops over selectedTargets(); PROVIDERS narrows the run
 * (PROVIDERS=sqlite,local; `neon` means both neon-ws and neon-http). freshDatabase() gives each test
 * file its own empty database on the servers the global setup started, migrated unless asked not to.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { inject } from 'vitest';
import { capabilitiesOf, createDatabaseClient, runMigrations, type Capabilities, type DatabaseClient, type ProviderName, type ProviderOverrides } from '../../db';
import { installSupabaseEnvironment } from './supabase-env';

export const TARGET_NAMES = ['sqlite', 'local', 'supabase', 'neon-ws', 'neon-http'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface TestTarget {
  name: TargetName;
  provider: ProviderName;
  /** What the target's handles can do, known before any server starts: tests register by it. */
  capabilities: Capabilities;
}

const PROVIDER_OF: Record<TargetName, ProviderName> = { sqlite: 'sqlite', local: 'local', supabase: 'supabase', 'neon-ws': 'neon', 'neon-http': 'neon' };

function target(name: TargetName): TestTarget {
  // The URLs' shape (pooler hint, driver) decides capabilities; host and port do not, so placeholders do.
  const shape = overridesFor(name, 'placeholder', { host: '127.0.0.1', user: 'u', password: 'p', port: 5432 }, 6432).runtime;
  return { name, provider: PROVIDER_OF[name], capabilities: capabilitiesOf(PROVIDER_OF[name], name === 'sqlite' ? { url: ':memory:' } : shape) };
}

/** The targets selected by PROVIDERS (default: all). An unknown name fails the run instead of skipping. */
export function selectedTargets(filter = process.env.PROVIDERS): TestTarget[] {
  if (!filter?.trim()) return TARGET_NAMES.map(target);
  const wanted = new Set<TargetName>();
  for (const raw of filter
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (raw === 'neon') ['neon-ws', 'neon-http'].forEach((n) => wanted.add(n as TargetName));
    else if ((TARGET_NAMES as readonly string[]).includes(raw)) wanted.add(raw as TargetName);
    else throw new Error(`PROVIDERS lists unknown target "${raw}"; use ${TARGET_NAMES.join(', ')} or neon`);
  }
  return TARGET_NAMES.filter((n) => wanted.has(n)).map(target);
}

/** True when the selected targets need the PostgreSQL server. */
export function needsPostgres(filter = process.env.PROVIDERS): boolean {
  return selectedTargets(filter).some((t) => t.name !== 'sqlite');
}

export interface TestDatabase {
  target: TestTarget;
  client: DatabaseClient;
  /** Overrides that reach this database through the runtime path (pooler for supabase, http for neon-http). */
  overrides: ProviderOverrides;
  /** Overrides for a direct connection (what migrations use). */
  directOverrides: ProviderOverrides;
  /** Opens another handle on the same database. */
  open(extra?: ProviderOverrides): DatabaseClient;
  cleanup(): Promise<void>;
}

type PgLogin = { host: string; user: string; password: string; port: number };

function pgUrl(db: string, port: number, params = '', login: PgLogin = inject('testEnv').pg): string {
  return `postgres://${login.user}:${login.password}@${login.host}:${port}/${db}${params}`;
}

async function adminSql<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const admin = postgres(pgUrl('postgres', inject('testEnv').pg.port), { max: 1, onnotice: () => undefined });
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

function overridesFor(target: TargetName, name: string, login: PgLogin, pgbouncerPort: number): { runtime: ProviderOverrides; direct: ProviderOverrides } {
  const direct = { url: pgUrl(name, login.port, '', login) };
  switch (target) {
    case 'supabase':
      return { runtime: { url: pgUrl(name, pgbouncerPort, '?pgbouncer=true', login), directUrl: direct.url }, direct };
    case 'neon-ws':
      return { runtime: { ...direct, driver: 'ws' }, direct: { ...direct, driver: 'ws' } };
    case 'neon-http':
      return { runtime: { ...direct, driver: 'http' }, direct: { ...direct, driver: 'ws' } };
    default:
      return { runtime: direct, direct };
  }
}

/** A new empty database for `target` (migrated unless `migrate: false`), with a handle on it. */
export async function freshDatabase(target: TestTarget, options: { migrate?: boolean; folder?: string } = {}): Promise<TestDatabase> {
  const name = `t_${target.name.replace('-', '_')}_${randomBytes(5).toString('hex')}`;
  let runtime: ProviderOverrides;
  let direct: ProviderOverrides;
  let drop: () => Promise<void>;
  if (target.name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'catalogue-sqlite-'));
    runtime = direct = { url: join(dir, `${name}.db`) };
    drop = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    await adminSql((sql) => sql.unsafe(`create database "${name}"`));
    if (target.name === 'supabase') await installSupabaseEnvironment(pgUrl(name, inject('testEnv').pg.port));
    const env = inject('testEnv');
    ({ runtime, direct } = overridesFor(target.name, name, env.pg, env.pgbouncerPort));
    drop = () => adminSql((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`)).then(() => undefined);
  }
  if (options.migrate !== false) {
    const migrator = createDatabaseClient(target.provider, direct);
    try {
      await runMigrations(migrator, options.folder === undefined ? {} : { folder: options.folder });
    } finally {
      await migrator.close();
    }
  }
  const opened: DatabaseClient[] = [];
  const open = (extra: ProviderOverrides = {}) => {
    const client = createDatabaseClient(target.provider, { ...runtime, ...extra });
    opened.push(client);
    return client;
  };
  return {
    target,
    client: open(),
    overrides: runtime,
    directOverrides: direct,
    open,
    async cleanup() {
      await Promise.allSettled(opened.map((c) => c.close()));
      await drop();
    },
  };
}

/** Environment for running a script (npx tsx scripts/…) against this test database as the current provider. */
export function scriptEnv(t: TestDatabase): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DB_PROVIDER: t.target.provider };
  const url = t.directOverrides.url!;
  if (t.target.provider === 'sqlite') env.SQLITE_PATH = url;
  if (t.target.provider === 'local') env.LOCAL_DATABASE_URL = url;
  if (t.target.provider === 'supabase') Object.assign(env, { SUPABASE_DATABASE_URL: t.overrides.url, SUPABASE_DIRECT_URL: url });
  if (t.target.provider === 'neon') Object.assign(env, { NEON_DATABASE_URL: url, NEON_DRIVER: t.overrides.driver });
  return env;
}
