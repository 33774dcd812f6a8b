/**
 * The postgres.js connection shared by `local` and `supabase`: pool settings from env, errors from the
 * server kept quiet (no notices on stdout), and a clean shutdown.
 */
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { maskUrl } from '../env';
import { pgExecute, pgRunTransaction } from '../dialects/pg';
import type { AppDatabase, Capabilities, ProviderConnection, ResolvedConfig } from './types';

export interface PostgresJsOptions {
  /** false behind a transaction pooler, where named prepared statements do not survive. */
  prepare: boolean;
  ssl: 'require' | false | undefined;
  capabilities: Capabilities;
  /** URL query parameters that are hints for us, not server settings (e.g. pgbouncer=true). */
  stripParams?: readonly string[];
}

/** Removes our hint parameters, which postgres.js would otherwise send to the server as settings. */
export function stripUrlParams(url: string, names: readonly string[]): string {
  const parsed = new URL(url);
  for (const name of names) parsed.searchParams.delete(name);
  return parsed.toString();
}

/** Opens a postgres.js pool wrapped in Drizzle. Nothing connects until the first query. */
export function connectPostgresJs(config: ResolvedConfig, options: PostgresJsOptions): ProviderConnection {
  const url = stripUrlParams(config.url, options.stripParams ?? []);
  const client = postgres(url, {
    max: config.poolMax,
    idle_timeout: config.idleTimeout,
    connect_timeout: config.connectTimeout,
    prepare: options.prepare,
    ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
    onnotice: () => undefined,
    connection: { application_name: 'book-catalogue' },
  });
  const db = drizzle({ client }) as unknown as AppDatabase;
  return {
    db,
    transactionDb: db,
    capabilities: options.capabilities,
    target: maskUrl(config.url),
    runTransaction: pgRunTransaction,
    execute: pgExecute,
    close: () => client.end({ timeout: 5 }),
  };
}
