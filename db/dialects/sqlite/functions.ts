/**
 * SQLite's built-in lower() (and so case-insensitive LIKE) folds ASCII only. It is replaced here by one
 * that folds like JavaScript and Postgres (UTF-8 locales), so `contains` and `search` match 'É' to 'é'
 * on every provider. SQLite lets an application function override a built-in of the same name.
 */
import type Database from 'better-sqlite3';

/** Registers the workspace's SQL functions on a better-sqlite3 connection. */
export function installSqliteFunctions(native: Database.Database): void {
  native.function('lower', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));
}
