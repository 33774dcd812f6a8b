/**
 * Column defaults as JavaScript sees them, shared by both families: bulk inserts give every row the same
 * keys, so a value some rows omit is filled with the column default here.
 */
import { randomUUID } from 'node:crypto';
import { getTableColumns, is, SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/**
 * Milliseconds since the epoch, as a SQLite default that matches Postgres `now()` (to the millisecond).
 * Built on julianday('now'), which every SQLite has: unixepoch('subsec') needs 3.42, and older SQLite builds
 * (Debian 12's sqlite3 tool, Python's sqlite3 module) could not insert a row without the column otherwise.
 * julianday is a float whose error stays far below a millisecond, so rounding (not truncating) gives the exact value.
 */
export const SQLITE_NOW_MS = sql`(cast(round((julianday('now') - 2440587.5) * 86400000) as integer))`;

/**
 * A random version-4 UUID in lowercase 8-4-4-4-12 form, as a SQLite default that matches Postgres
 * `gen_random_uuid()` (SQLite has no uuid function). The version nibble is a literal 4; the variant nibble is
 * one of 8, 9, a, b (`random() & 3` is 0–3 for any 64-bit value, negative ones included).
 */
export const SQLITE_RANDOM_UUID = sql`(lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))))`;

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

/** True for a SQL default that means "a new random uuid" (Postgres `gen_random_uuid()`, from defaultRandom(), and the derived SQLite one). */
export function isRandomUuidDefault(text: string | undefined): boolean {
  return text === 'gen_random_uuid()' || text === plainSqlText(SQLITE_RANDOM_UUID);
}

/** The value a column gets when a row omits it but other rows in the same batch give it. */
function jsDefault(col: PgColumn): unknown {
  if (col.defaultFn) return col.defaultFn();
  if (col.default === undefined) return null;
  if (!is(col.default, SQL)) return col.default;
  const text = plainSqlText(col.default);
  if (isNowDefault(text)) return new Date();
  if (isRandomUuidDefault(text)) return randomUUID();
  return null;
}

/** Gives every row the same keys (the union), filling gaps with the column default. */
export function normalizeRows(table: PgTable, rows: Record<string, unknown>[]): { keys: string[]; rows: Record<string, unknown>[] } {
  const columns = getTableColumns(table);
  const keys = Object.keys(columns).filter((k) => rows.some((r) => r[k] !== undefined));
  const filled = rows.map((row) => Object.fromEntries(keys.map((k) => [k, row[k] === undefined ? jsDefault(columns[k]!) : row[k]])));
  return { keys, rows: filled };
}
