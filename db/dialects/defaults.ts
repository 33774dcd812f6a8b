/**
 * Column defaults as JavaScript sees them, shared by both families: bulk inserts give every row the same
 * keys, so a value some rows omit is filled with the column default here.
 */
import { randomUUID } from 'node:crypto';
import { getTableColumns, is, SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/** Milliseconds since the epoch, as a SQLite default that matches Postgres `now()` (to the millisecond). */
export const SQLITE_NOW_MS = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

/** The text of a SQL default made only of string chunks, e.g. `now()`; undefined when it has parameters. */
export function plainSqlText(value: SQL): string | undefined {
  let out = '';
  for (const chunk of value.queryChunks) {
    const parts = (chunk as { value?: unknown }).value;
    if (!Array.isArray(parts)) return undefined;
    out += parts.join('');
  }
  return out.trim().toLowerCase();
}

/** True for a SQL default that means "the current time" (the Postgres spellings and the derived SQLite one). */
export function isNowDefault(text: string | undefined): boolean {
  return text === 'now()' || text === 'current_timestamp' || text === plainSqlText(SQLITE_NOW_MS);
}

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
