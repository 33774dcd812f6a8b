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

/** The Neon-style front doors a target's driver dials instead of the URL's host (NEON_WS_PROXY, NEON_HTTP_ENDPOINT). */
export interface Proxies {
  /** Transactions (and, without httpQueries, every query) go through the WebSocket proxy. */
  webSocket: boolean;
  /** Plain queries go to the HTTP endpoint. */
  http: boolean;
}

export interface TestTarget {
  name: TargetName;
  provider: ProviderName;
  /** What the target's handles can do, known before any server starts: tests register by it. */
  capabilities: Capabilities;
  /** What its driver dials besides the URL's host: fault tests move these too. */
  proxies: Proxies;
}

const PROVIDER_OF: Record<TargetName, ProviderName> = { sqlite: 'sqlite', local: 'local', supabase: 'supabase', 'neon-ws': 'neon', 'neon-http': 'neon' };
const NO_PROXY: Proxies = { webSocket: false, http: false };
const PROXIES_OF: Record<TargetName, Proxies> = {
  sqlite: NO_PROXY,
  local: NO_PROXY,
  supabase: NO_PROXY,
  'neon-ws': { webSocket: true, http: false },
  'neon-http': { webSocket: true, http: true },
};

function target(name: TargetName): TestTarget {
  // The URLs' shape (pooler hint, driver) decides capabilities; host and port do not, so placeholders do.
  const shape = overridesFor(name, 'placeholder', { host: '127.0.0.1', user: 'u', password: 'p', port: 5432 }, 6432).runtime;
  return { name, provider: PROVIDER_OF[name], capabilities: capabilitiesOf(PROVIDER_OF[name], name === 'sqlite' ? { url: ':memory:' } : shape), proxies: PROXIES_OF[name] };
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

/** The variables that select `target` as the current provider with these URLs (what a script reads). */
function providerEnv(target: TestTarget, runtime: ProviderOverrides, direct: ProviderOverrides): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { DB_PROVIDER: target.provider };
  const url = direct.url!;
  if (target.provider === 'sqlite') env.SQLITE_PATH = url;
  if (target.provider === 'local') env.LOCAL_DATABASE_URL = url;
  if (target.provider === 'supabase') Object.assign(env, { SUPABASE_DATABASE_URL: runtime.url, SUPABASE_DIRECT_URL: url });
  if (target.provider === 'neon') Object.assign(env, { NEON_DATABASE_URL: url, NEON_DRIVER: runtime.driver });
  return env;
}

/** Environment for running a script (npx tsx scripts/…) against this test database as the current provider. */
export function scriptEnv(t: TestDatabase): NodeJS.ProcessEnv {
  return { ...process.env, ...providerEnv(t.target, t.overrides, t.directOverrides) };
}

/** A Postgres target aimed at one local port, for fault tests; see pointedAt. */
export interface PointedAt {
  /** For createDatabaseClient(provider, overrides, env): the URL(s), the driver and a 2 s connect timeout. */
  overrides: ProviderOverrides;
  /** The test environment with the proxies the Neon driver dials moved to the port. */
  env: NodeJS.ProcessEnv;
  /** The same as variables, for a script: DB_PROVIDER, URL variables, proxies, DB_CONNECT_TIMEOUT=2. */
  scriptEnv: NodeJS.ProcessEnv;
}

/**
 * Settings that send every connection of a Postgres target to 127.0.0.1:`port` (a closed port, a server that
 * never answers), logging in with `password`: the URL for postgres.js; for Neon also the WebSocket proxy and
 * HTTP endpoint it dials instead of the URL's host.
 */
export function pointedAt(target: TestTarget, port: number, password: string): PointedAt {
  const { runtime, direct } = overridesFor(target.name, 'app', { host: '127.0.0.1', user: 'app', password, port }, port);
  const proxies: NodeJS.ProcessEnv = {};
  if (target.proxies.webSocket) proxies.NEON_WS_PROXY = `127.0.0.1:${port}/v1`;
  if (target.proxies.http) proxies.NEON_HTTP_ENDPOINT = `http://127.0.0.1:${port}/sql`;
  return {
    overrides: { ...runtime, connectTimeout: 2 },
    env: { ...process.env, ...proxies },
    scriptEnv: { ...process.env, ...providerEnv(target, runtime, direct), ...proxies, DB_CONNECT_TIMEOUT: '2' },
  };
}
