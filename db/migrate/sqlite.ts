/**
 * SQLite migrator. It runs synchronously on the raw connection (nothing can interleave) inside one
 * BEGIN IMMEDIATE transaction (other processes wait on the write lock). Foreign keys are switched off
 * OUTSIDE the transaction, where the pragma takes effect, so drizzle-kit's table rebuilds cannot empty
 * child tables through ON DELETE CASCADE; `PRAGMA foreign_key_check` must pass before the commit.
 */
import type Database from 'better-sqlite3';
import { MigrationError } from '../errors';
import { assertConsistent, planMigrations, type AppliedRow, type MigrationFile, type MigrationPlan } from './journal';
import { failedStatement } from './pg';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS __drizzle_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, hash text NOT NULL, created_at numeric)`;

function readApplied(native: Database.Database): AppliedRow[] {
  const exists = native.prepare(`select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'`).get();
  if (!exists) return [];
  const rows = native.prepare('select hash, created_at from __drizzle_migrations order by id').all() as { hash: string; created_at: number }[];
  return rows.map((r) => ({ hash: r.hash, createdAt: Number(r.created_at) }));
}

/** Journal vs database for SQLite (read only). */
export function planSqlite(native: Database.Database, files: MigrationFile[]): MigrationPlan {
  return planMigrations(files, readApplied(native));
}

/** Applies every pending migration; returns the tags applied by this call. */
export function migrateSqlite(native: Database.Database, files: MigrationFile[], folder: string): string[] {
  const foreignKeys = native.pragma('foreign_keys', { simple: true }) === 1;
  native.pragma('foreign_keys = OFF');
  try {
    native.exec('BEGIN IMMEDIATE');
    try {
      native.exec(CREATE_TABLE);
      const plan = planMigrations(files, readApplied(native));
      assertConsistent(plan, folder);
      const record = native.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)');
      for (const file of plan.pending) {
        for (const [index, statement] of file.statements.entries()) {
          try {
            native.exec(statement);
          } catch (error) {
            throw failedStatement(file, index, statement, error);
          }
        }
        record.run(file.hash, file.when);
      }
      const violations = native.pragma('foreign_key_check') as { table: string }[];
      if (violations.length > 0) {
        const tables = [...new Set(violations.map((v) => v.table))].join(', ');
        throw new MigrationError(`Migrations would leave ${violations.length} row(s) with broken foreign keys in ${tables}; nothing was applied`);
      }
      native.exec('COMMIT');
      return plan.pending.map((f) => f.tag);
    } catch (error) {
      if (native.inTransaction) native.exec('ROLLBACK');
      throw error;
    }
  } finally {
    if (foreignKeys) native.pragma('foreign_keys = ON');
  }
}
