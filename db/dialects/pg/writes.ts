/** Read-then-write on Postgres: a row lock for the read, arithmetic in the UPDATE itself. */
import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgSelect } from 'drizzle-orm/pg-core';

/** `query … FOR UPDATE`: the rows it returns stay locked until the transaction ends. */
export function pgLockForUpdate<Q extends PgSelect>(query: Q): Q {
  // On a dynamic select `for()` returns the same builder; its declared type drops `for` from it.
  return query.for('update') as Q;
}

/** `column + amount`, computed by the database on the row's current value (numeric stays exact). */
export function pgAddTo(column: PgColumn, amount: number): SQL {
  return sql`${column} + ${amount}`;
}
