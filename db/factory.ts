/**
 * Picks and builds a provider from the environment. Selection order: DB_PROVIDER (alias DATABASE_PROVIDER);
 * else the first URL that is set: NEON_DATABASE_URL → SUPABASE_DATABASE_URL → LOCAL_DATABASE_URL/DATABASE_URL;
 * else the embedded `sqlite` default (./data/app.db).
 */
import { createClient, type DatabaseClient } from './client';
import { maskSecrets, maskUrl, PROVIDER_NAMES, readEnv, type Env, type ProviderName } from './env';
import { ConfigError, ConnectionError } from './errors';
import { PROVIDERS } from './providers';
import type { ProviderOverrides, ResolvedConfig } from './providers/types';

export const DEFAULT_SQLITE_PATH = PROVIDERS.sqlite.defaultUrl ?? './data/app.db';

/** True when `name` is one of the providers this workspace knows. */
export function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}

/** Throws ConfigError listing the valid names unless `name` is a provider. */
export function assertProviderName(name: string, source = 'provider'): ProviderName {
  if (isProviderName(name)) return name;
  throw new ConfigError(`Unknown ${source} "${name}": use one of ${PROVIDER_NAMES.join(', ')}`);
}

/** Which provider the environment selects, and why. */
export function getCurrentProvider(source: NodeJS.ProcessEnv = process.env): { provider: ProviderName; reason: string } {
  const env = readEnv(source);
  const explicit = env.DB_PROVIDER ?? env.DATABASE_PROVIDER;
  if (explicit) {
    const variable = env.DB_PROVIDER ? 'DB_PROVIDER' : 'DATABASE_PROVIDER';
    return { provider: assertProviderName(explicit, `${variable} value`), reason: `${variable}=${explicit}` };
  }
  if (env.NEON_DATABASE_URL) return { provider: 'neon', reason: 'NEON_DATABASE_URL is set' };
  if (env.SUPABASE_DATABASE_URL) return { provider: 'supabase', reason: 'SUPABASE_DATABASE_URL is set' };
  if (env.LOCAL_DATABASE_URL) return { provider: 'local', reason: 'LOCAL_DATABASE_URL is set' };
  if (env.DATABASE_URL) return { provider: 'local', reason: 'DATABASE_URL is set' };
  return { provider: 'sqlite', reason: `no provider configured: embedded SQLite default (${env.SQLITE_PATH ?? DEFAULT_SQLITE_PATH})` };
}

function firstSet(env: Env, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name as keyof Env];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** Merges env and overrides into the settings `provider` runs with (no validation, no connection). */
export function resolveConfig(provider: ProviderName, overrides: ProviderOverrides = {}, source: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const env = readEnv(source);
  const fromEnv = firstSet(env, PROVIDERS[provider].urlVariables);
  const definition = PROVIDERS[provider];
  const url = overrides.url ?? fromEnv ?? definition.defaultUrl ?? '';
  const driver = overrides.driver ?? (env.NEON_DRIVER === 'http' ? 'http' : 'ws');
  return Object.freeze({
    url,
    directUrl: overrides.directUrl ?? (definition.directUrlVariable ? env[definition.directUrlVariable] : undefined),
    driver,
    poolMax: overrides.poolMax ?? env.DB_POOL_MAX,
    idleTimeout: overrides.idleTimeout ?? env.DB_IDLE_TIMEOUT,
    connectTimeout: overrides.connectTimeout ?? env.DB_CONNECT_TIMEOUT,
    env,
  });
}

/** Checks a provider's configuration without connecting. */
export function validateProviderConfig(
  provider: string,
  overrides: ProviderOverrides = {},
  source: NodeJS.ProcessEnv = process.env,
): { ok: boolean; problems: string[] } {
  try {
    const name = assertProviderName(provider);
    const problems = PROVIDERS[name].validate(resolveConfig(name, overrides, source));
    return { ok: problems.length === 0, problems };
  } catch (error) {
    return { ok: false, problems: [error instanceof Error ? error.message : String(error)] };
  }
}

/**
 * Creates a handle for `provider`. Throws ConfigError naming the variable to fix when the configuration
 * is missing or malformed. Nothing connects until the first query.
 *
 * @example const db = createDatabaseClient('local', { url: 'postgres://app:secret@localhost:5432/app' });
 */
export function createDatabaseClient(provider: string, overrides: ProviderOverrides = {}, source: NodeJS.ProcessEnv = process.env): DatabaseClient {
  const name = assertProviderName(provider);
  const config = resolveConfig(name, overrides, source);
  const problems = PROVIDERS[name].validate(config);
  if (problems.length > 0) throw new ConfigError(`${name}: ${problems.join('; ')}`);
  try {
    return createClient(name, PROVIDERS[name].connect(config));
  } catch (error) {
    // Opening can fail at once (an SQLite path that cannot be created); say where, without secrets.
    const reason = maskSecrets(error instanceof Error ? error.message : String(error));
    const where = PROVIDERS[name].family === 'sqlite' ? config.url : maskUrl(config.url); // a file path holds no secret
    throw new ConnectionError(`Cannot open the ${name} database (${where}): ${reason}`, error);
  }
}

/** Creates a handle for the provider the environment selects (see getCurrentProvider). */
export function createDefaultClient(overrides: ProviderOverrides = {}, source: NodeJS.ProcessEnv = process.env): DatabaseClient {
  return createDatabaseClient(getCurrentProvider(source).provider, overrides, source);
}

/** A handle fit for migrations and bulk work: the direct URL when one is set (SUPABASE_DIRECT_URL). */
export function openDirectClient(provider: string): DatabaseClient {
  const name = assertProviderName(provider);
  const { directUrl } = resolveConfig(name);
  return createDatabaseClient(name, directUrl ? { url: directUrl } : {});
}
