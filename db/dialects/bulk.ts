/**
 * Bulk inserts, the fastest portable form per SQL family. Postgres: one `insert … select * from
 * unnest($1::type[], …)` per chunk (one parameter per column, whatever the row count). SQLite: multi-row
 * VALUES chunked under its 32,766 bound-parameter limit. Callers run this inside one transaction.
 */
import { randomUUID } from 'node:crypto';
import { getTableColumns, is, SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { AppDatabase, SqlFamily } from '../providers/types';
import { isNowDefault, plainSqlText } from './sqlite/columns';

const SQLITE_MAX_PARAMS = 32_766;
const PG_ROWS_PER_CHUNK = 10_000;

/** The value a column gets when a row omits it but other rows in the same batch give it. */
function jsDefault(col: PgColumn): unknown {
  if (col.defaultFn) return col.defaultFn();
  if (col.default === undefined) return null;
  if (!is(col.default, SQL)) return col.default;
  const text = plainSqlText(col.default);
  if (isNowDefault(text)) return new Date();
  if (text === 'gen_random_uuid()') return randomUUID();
  return null;
}

/** Gives every row the same keys (the union), filling gaps with the column default. */
export function normalizeRows(table: PgTable, rows: Record<string, unknown>[]): { keys: string[]; rows: Record<string, unknown>[] } {
  const columns = getTableColumns(table);
  const keys = Object.keys(columns).filter((k) => rows.some((r) => r[k] !== undefined));
  const filled = rows.map((row) => Object.fromEntries(keys.map((k) => [k, row[k] === undefined ? jsDefault(columns[k]!) : row[k]])));
  return { keys, rows: filled };
}

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

async function pgBulk(db: AppDatabase, table: PgTable, keys: string[], rows: Record<string, unknown>[]): Promise<void> {
  const columns = getTableColumns(table);
  const names = sql.join(keys.map((k) => sql.identifier(columns[k]!.name)), sql`, `);
  for (let start = 0; start < rows.length; start += PG_ROWS_PER_CHUNK) {
    const chunk = rows.slice(start, start + PG_ROWS_PER_CHUNK);
    const arrays = keys.map((k) => {
      const col = columns[k]!;
      const values = chunk.map((r) => (r[k] === null ? null : col.mapToDriverValue(r[k])));
      // The cast gives Postgres the element type of the array literal.
      return sql`${arrayLiteral(values)}::${sql.raw(col.getSQLType())}[]`;
    });
    await db.execute(sql`insert into ${table} (${names}) select * from unnest(${sql.join(arrays, sql`, `)})`);
  }
}

async function sqliteBulk(db: AppDatabase, table: PgTable, _keys: string[], rows: Record<string, unknown>[]): Promise<void> {
  // Drizzle binds literal column defaults as parameters too, so budget for every column of the table.
  const perChunk = Math.max(1, Math.floor(SQLITE_MAX_PARAMS / Object.keys(getTableColumns(table)).length));
  for (let start = 0; start < rows.length; start += perChunk) {
    await db.insert(table).values(rows.slice(start, start + perChunk) as never);
  }
}

/** Inserts `rows` into `table` in chunks; returns the number of rows written. */
export async function bulkInsert(family: SqlFamily, db: AppDatabase, table: PgTable, input: Record<string, unknown>[]): Promise<number> {
  if (input.length === 0) return 0;
  const { keys, rows } = normalizeRows(table, input);
  await (family === 'pg' ? pgBulk : sqliteBulk)(db, table, keys, rows);
  return rows.length;
}
