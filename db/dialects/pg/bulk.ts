/**
 * Postgres bulk insert: one `insert … select * from unnest($1::type[], …)` per chunk, one parameter per
 * column whatever the row count. Callers run it inside one transaction.
 */
import { getTableColumns, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { AppDatabase } from '../../providers/types';

const ROWS_PER_CHUNK = 10_000;

/** One element of a Postgres array literal: NULL, or a double-quoted string with " and \ escaped. */
function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The whole column as ONE text parameter in array-literal form. Every driver passes a string through
 * unchanged (array parameters are serialised differently, or not at all, by postgres.js and neon).
 */
function arrayLiteral(values: unknown[]): string {
  return `{${values.map(arrayElement).join(',')}}`;
}

/** Inserts `rows` (all with the same `keys`) into `table`. */
export async function pgBulkInsert(db: AppDatabase, table: PgTable, keys: string[], rows: Record<string, unknown>[]): Promise<void> {
  const columns = getTableColumns(table);
  const names = sql.join(
    keys.map((k) => sql.identifier(columns[k]!.name)),
    sql`, `,
  );
  for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) {
    const chunk = rows.slice(start, start + ROWS_PER_CHUNK);
    const arrays = keys.map((k) => {
      const col = columns[k]!;
      const values = chunk.map((r) => (r[k] === null ? null : col.mapToDriverValue(r[k])));
      // The cast gives Postgres the element type of the array literal.
      return sql`${arrayLiteral(values)}::${sql.raw(col.getSQLType())}[]`;
    });
    await db.execute(sql`insert into ${table} (${names}) select * from unnest(${sql.join(arrays, sql`, `)})`);
  }
}
