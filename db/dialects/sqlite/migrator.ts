/**
 * SQLite migrator. It runs synchronously on the raw connection (nothing can interleave) inside one
 * BEGIN IMMEDIATE transaction (other processes wait on the write lock). Foreign keys are switched off
 * OUTSIDE the transaction, where the pragma takes effect, so drizzle-kit's table rebuilds cannot empty
 * child tables through ON DELETE CASCADE; `PRAGMA foreign_key_check` must pass before the commit.
 * Each history row also names its migration in a `tag` column (see migrate/journal.ts).
 */
import type Database from 'better-sqlite3';
import type { DatabaseClient } from '../../client';
import { MigrationError } from '../../errors';
import { internalsOf } from '../../internals';
import { assertConsistent, failedStatement, planMigrations, type AppliedRow, type MigrationFile } from '../../migrate/journal';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS __drizzle_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, hash text NOT NULL, created_at numeric)`;

function nativeOf(client: DatabaseClient): Database.Database {
  const native = internalsOf(client).connection.native;
  if (!native) throw new MigrationError('The SQLite migrator needs the better-sqlite3 connection');
  return native;
}

function readRows(native: Database.Database): AppliedRow[] {
  const exists = native.prepare(`select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'`).get();
  if (!exists) return [];
  const rows = native.prepare('select * from __drizzle_migrations order by id').all() as { hash: string; created_at: number; tag?: unknown }[];
  return rows.map((r) => ({ hash: r.hash, createdAt: Number(r.created_at), tag: typeof r.tag === 'string' ? r.tag : undefined }));
}

/** The recorded rows, oldest first (empty when the table does not exist yet). */
export function readSqliteHistory(client: DatabaseClient): Promise<AppliedRow[]> {
  const native = nativeOf(client);
  return internalsOf(client).run(async () => readRows(native));
}

function applyPending(native: Database.Database, files: MigrationFile[], folder: string): string[] {
  native.exec(CREATE_TABLE);
  const columns = native.prepare(`select name from pragma_table_info('__drizzle_migrations')`).all() as { name: string }[];
  if (!columns.some((c) => c.name === 'tag')) native.exec('ALTER TABLE __drizzle_migrations ADD COLUMN tag text');
  const plan = planMigrations(files, readRows(native));
  assertConsistent(plan, folder);
  const tag = native.prepare('update __drizzle_migrations set tag = ? where hash = ? and tag is null');
  for (const file of plan.applied) tag.run(file.tag, file.hash);
  const record = native.prepare('insert into __drizzle_migrations (hash, created_at, tag) values (?, ?, ?)');
  for (const file of plan.pending) {
    for (const [index, statement] of file.statements.entries()) {
      try {
        native.exec(statement);
      } catch (error) {
        throw failedStatement(file, index, statement, error);
      }
    }
    record.run(file.hash, file.when, file.tag);
  }
  const violations = native.pragma('foreign_key_check') as { table: string }[];
  if (violations.length > 0) {
    const tables = [...new Set(violations.map((v) => v.table))].join(', ');
    throw new MigrationError(`Migrations would leave ${violations.length} row(s) with broken foreign keys in ${tables}; nothing was applied`);
  }
  return plan.pending.map((f) => f.tag);
}

/** Applies every pending migration; returns the tags applied by this call. */
export function migrateSqlite(client: DatabaseClient, files: MigrationFile[], folder: string): Promise<string[]> {
  const native = nativeOf(client);
  if (native.readonly) {
    throw new MigrationError(`Cannot migrate ${client.target}: it is open read-only, because this user cannot write the file or its folder; run the migration as a user who can`);
  }
  return internalsOf(client).run(async () => {
    const foreignKeys = native.pragma('foreign_keys', { simple: true }) === 1;
    native.pragma('foreign_keys = OFF');
    try {
      native.exec('BEGIN IMMEDIATE');
      try {
        const applied = applyPending(native, files, folder);
        native.exec('COMMIT');
        return applied;
      } catch (error) {
        if (native.inTransaction) native.exec('ROLLBACK');
        throw error;
      }
    } finally {
      if (foreignKeys) native.pragma('foreign_keys = ON');
    }
  });
}
