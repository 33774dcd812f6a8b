/**
 * How db/schema.ts says which tables feed changes: `export const changeFeed = feedChangesOf(books, …)`.
 * Kept free of imports from the rest of db/ because the schema imports it.
 */
import type { PgTable } from 'drizzle-orm/pg-core';

/** The tables whose inserts, updates and deletes the change feed records (see db/change-feed/). */
export interface ChangeFeedDeclaration<T extends readonly PgTable[] = readonly PgTable[]> {
  readonly kind: 'change-feed';
  readonly tables: T;
}

/** Declares the tables that feed changes; every write to them (repositories, raw SQL, other tools) is recorded. */
export function feedChangesOf<const T extends readonly PgTable[]>(...tables: T): ChangeFeedDeclaration<T> {
  return Object.freeze({ kind: 'change-feed', tables: Object.freeze([...tables]) as unknown as T });
}

/** True for the value feedChangesOf returns. */
export function isChangeFeedDeclaration(value: unknown): value is ChangeFeedDeclaration {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'change-feed' && Array.isArray((value as { tables?: unknown }).tables);
}
