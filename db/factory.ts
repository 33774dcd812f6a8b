/**
 * Picks and builds a provider from the environment. Selection order: DB_PROVIDER (alias DATABASE_PROVIDER);
 * else the first provider of SELECTION_ORDER (db/providers/index.ts) with a URL variable set
 * (NEON_DATABASE_URL → SUPABASE_DATABASE_URL → LOCAL_DATABASE_URL/DATABASE_URL → SQLITE_PATH);
 * else the provider with a default URL: the embedded SQLite file ./data/app.db.
 */
import { createClient, type DatabaseClient } from './client';
import { maskSecrets, PROVIDER_NAMES, readEnv, type Env, type ProviderName } from './env';
import { toDbError } from './error-mapping';
import { ConfigError, ConnectionError } from './errors';
import { PROVIDERS, SELECTION_ORDER } from './providers';
import type { Capabilities, ProviderOverrides, ResolvedConfig } from './providers/types';
import { connectRetriesProblems, withStartupRetry } from './startup-retry';

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
  for (const definition of SELECTION_ORDER) {
    const variable = definition.urlVariables.find((name) => env[name] !== undefined);
    if (variable) return { provider: definition.name, reason: `${variable} is set` };
  }
  const fallback = SELECTION_ORDER.find((definition) => definition.defaultUrl !== undefined)!;
  return { provider: fallback.name, reason: `no provider configured: the embedded default, ${fallback.describe(resolveConfig(fallback.name, {}, source))}` };
}

function firstSet(env: Env, names: readonly (keyof Env)[]): string | undefined {
  for (const name of names) {
    const value = env[name];
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
  return Object.freeze({
    url,
    directUrl: overrides.directUrl ?? (definition.directUrlVariable ? firstSet(env, [definition.directUrlVariable]) : undefined),
    driver: overrides.driver,
    poolMax: overrides.poolMax ?? env.DB_POOL_MAX,
    idleTimeout: overrides.idleTimeout ?? env.DB_IDLE_TIMEOUT,
    connectTimeout: overrides.connectTimeout ?? env.DB_CONNECT_TIMEOUT,
    statementTimeout: overrides.statementTimeout ?? env.DB_STATEMENT_TIMEOUT,
    poolTimeout: overrides.poolTimeout ?? env.DB_POOL_TIMEOUT,
    env,
  });
}

/** Checks a provider's configuration without connecting. */
export function validateProviderConfig(provider: string, overrides: ProviderOverrides = {}, source: NodeJS.ProcessEnv = process.env): { ok: boolean; problems: string[] } {
  try {
    const name = assertProviderName(provider);
    const problems = PROVIDERS[name].validate(resolveConfig(name, overrides, source));
    return { ok: problems.length === 0, problems };
  } catch (error) {
    return { ok: false, problems: [error instanceof Error ? error.message : String(error)] };
  }
}

/** The timeout options, which (unlike their variables) no schema has checked: 0 would fail every statement at once. */
function timeoutProblems(overrides: ProviderOverrides): string[] {
  const problems: string[] = [];
  for (const key of ['statementTimeout', 'poolTimeout'] as const) {
    const value = overrides[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) problems.push(`${key} must be a number of seconds above 0 (got ${String(value)})`);
  }
  return problems;
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
  const retries = overrides.connectRetries ?? config.env.DB_CONNECT_RETRIES;
  const problems = [...PROVIDERS[name].validate(config), ...connectRetriesProblems(retries), ...timeoutProblems(overrides)];
  if (problems.length > 0) throw new ConfigError(`${name}: ${problems.join('; ')}`);
  const definition = PROVIDERS[name];
  const target = definition.describe(config);
  try {
    const capabilities = definition.capabilities(config);
    const poolMax = capabilities.singleConnection ? 1 : config.poolMax;
    const opened = definition.connect(config);
    // Opt-in: with no retries (the default) the connection is used as the provider made it.
    const connection = capabilities.startupRetry && retries > 0 ? withStartupRetry(opened, { retries, family: capabilities.family, provider: name, target, log: overrides.onConnectRetry }) : opened;
    return createClient({ provider: name, capabilities, target, poolMax, connection });
  } catch (error) {
    // Opening can fail at once (an SQLite path that cannot be created); say where, without secrets.
    const reason = maskSecrets(error instanceof Error ? error.message : String(error));
    throw new ConnectionError(`Cannot open the ${name} database (${target}): ${reason}`, toDbError(error, 'open'));
  }
}

/** What a handle for `provider` with this configuration can do, known before connecting (tests register by it). */
export function capabilitiesOf(provider: string, overrides: ProviderOverrides = {}, source: NodeJS.ProcessEnv = process.env): Capabilities {
  const name = assertProviderName(provider);
  return PROVIDERS[name].capabilities(resolveConfig(name, overrides, source));
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
