/**
 * What repositories and tools need from a handle but users should not see on it: the portable
 * (pg-typed) Drizzle client, the family's tables and dialect, turn-taking and the raw connection.
 * Kept in a WeakMap so the public handle carries none of it.
 */
import type { DatabaseClient, OpenedProvider } from './client';
import type { Dialect } from './dialects/types';
import type { AppDatabase, ProviderConnection } from './providers/types';
import type { Tables } from './tables';

export interface Internals {
  /** The Drizzle client typed over the declared schema, on every provider (see dialects/sqlite/tables.ts). */
  readonly db: AppDatabase;
  readonly tables: Tables;
  readonly dialect: Dialect;
  readonly connection: ProviderConnection;
  /** Connections the handle may open, as configured (1 on a single-connection provider). */
  readonly poolMax: number;
  /** What the handle was built from: derived handles (db/row-security.ts) start from it. */
  readonly opened: OpenedProvider;
  /** Runs non-transaction work, waiting its turn where the provider needs that (SQLite). */
  run<T>(fn: (db: AppDatabase) => Promise<T>): Promise<T>;
}

const registry = new WeakMap<object, Internals>();

/** Attaches `internals` to a handle (client.ts does this once per handle). */
export function register(client: DatabaseClient, internals: Internals): void {
  registry.set(client, internals);
}

/** The internals of a handle made by createClient. */
export function internalsOf(client: DatabaseClient): Internals {
  const found = registry.get(client);
  if (!found) throw new TypeError('not a handle made by createDatabaseClient()');
  return found;
}
