/**
 * The postgres.js connection shared by `local` and `supabase`: pool settings from env, server notices kept
 * quiet (nothing on stdout), the schema's relations handed to Drizzle, and a clean shutdown.
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { withCommitOutcome } from '../dialects/pg/commit-outcome';
import { withPoolSlots } from '../dialects/pg/pool-slots';
import { pgRunTransaction } from '../dialects/pg/session';
import { RELATIONAL_SCHEMA } from '../tables';
import { deadlineSocket } from './statement-deadline';
import type { ProviderConnection, ResolvedConfig } from './types';

export interface PostgresJsOptions {
  /** false behind a transaction pooler, where named prepared statements do not survive. */
  prepare: boolean;
  ssl: 'require' | false | undefined;
  /** URL query parameters that are hints for us, not server settings (e.g. pgbouncer=true). */
  stripParams?: readonly string[];
}

/** Removes our hint parameters, which postgres.js would otherwise send to the server as settings. */
export function stripUrlParams(url: string, names: readonly string[]): string {
  const parsed = new URL(url);
  for (const name of names) parsed.searchParams.delete(name);
  return parsed.toString();
}

/** True when the URL says it goes through a pgbouncer-style transaction pooler (`?pgbouncer=true`). */
export function hasPoolerHint(url: string): boolean {
  try {
    return new URL(url).searchParams.get('pgbouncer') === 'true';
  } catch {
    return false;
  }
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
    // postgres.js looks up array types on each new connection in a promise nobody awaits: when that query
    // fails (a server gone silent, close()), it is an unhandled rejection. Drizzle parses array columns itself.
    fetch_types: false,
    // `socket` is a documented postgres.js option its type declarations leave out.
    ...({ socket: deadlineSocket(config.statementTimeout) } as object),
  });
  const db = drizzle({ client, schema: RELATIONAL_SCHEMA });
  // postgres.js keeps one LISTEN session per pool and starts it again (calling onListening) when it drops.
  const listen = async (channel: string, onNotify: (payload: string) => void, onListening: () => void) => {
    const { unlisten } = await client.listen(channel, onNotify, onListening);
    return async () => void (await unlisten());
  };
  const connection = withCommitOutcome({ db, transactionDb: db, runTransaction: pgRunTransaction, listen, close: () => client.end({ timeout: 5 }) }, db);
  return withPoolSlots(connection, { poolMax: config.poolMax, timeout: config.poolTimeout, queries: true });
}
