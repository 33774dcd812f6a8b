/** Read-then-write on SQLite: no row locks needed, decimals kept to the declared scale. */
import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgSelect } from 'drizzle-orm/pg-core';

/**
 * The query unchanged: a transaction here begins with BEGIN IMMEDIATE and holds the database's write lock
 * until it ends, so no other writer can change a row between its read and its write.
 */
export function sqliteLockForUpdate<Q extends PgSelect>(query: Q): Q {
  return query;
}

/**
 * `column + amount`. A numeric column is stored as a binary float here, so 10.2 + 0.1 would keep
 * 10.299999999999999 where PostgreSQL's numeric holds 10.30: the sum is rounded to the declared scale.
 */
export function sqliteAddTo(column: PgColumn, amount: number, scale: number | undefined): SQL {
  return scale === undefined ? sql`${column} + ${amount}` : sql`round(${column} + ${amount}, ${sql.raw(String(scale))})`;
}
