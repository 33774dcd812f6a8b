/**
 * SQL functions SQLite lacks but the shared queries need. SQLite's lower()/LIKE fold ASCII only;
 * `unicode_lower` folds like JavaScript (and Postgres), so case-insensitive search agrees across providers.
 */
import type Database from 'better-sqlite3';

/** Registers the workspace's SQL functions on a better-sqlite3 connection. */
export function installSqliteFunctions(native: Database.Database): void {
  native.function('unicode_lower', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
}
