/**
 * Postgres migrator: the whole run is ONE transaction holding an advisory lock, so concurrent migrators
 * wait for each other, each migration is recorded exactly once, and a failure leaves nothing behind.
 * The table is drizzle's own (drizzle.__drizzle_migrations), so drizzle-kit sees the same history.
 */
import { sql } from 'drizzle-orm';
import type { DatabaseClient } from '../client';
import { toDbError } from '../error-mapping';
import { MigrationError } from '../errors';
import { assertConsistent, planMigrations, type AppliedRow, type MigrationFile, type MigrationPlan } from './journal';

/** Arbitrary constant shared by every process migrating this database. */
const MIGRATION_LOCK_KEY = 7_270_736_901;

async function readApplied(db: DatabaseClient): Promise<AppliedRow[]> {
  const [exists] = await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as "exists"`);
  if (!exists?.exists) return [];
  const rows = await db.execute(sql`select hash, created_at from drizzle.__drizzle_migrations order by id`);
  return rows.map((r) => ({ hash: String(r.hash), createdAt: Number(r.created_at) }));
}

/** Journal vs database for a Postgres provider (read only). */
export async function planPg(db: DatabaseClient, files: MigrationFile[]): Promise<MigrationPlan> {
  return planMigrations(files, await readApplied(db));
}

/** Applies every pending migration; returns the tags applied by this call. */
export async function migratePg(db: DatabaseClient, files: MigrationFile[], folder: string): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`);
    const plan = planMigrations(files, await readApplied(tx));
    assertConsistent(plan, folder);
    for (const file of plan.pending) {
      for (const [index, statement] of file.statements.entries()) {
        try {
          await tx.execute(sql.raw(statement));
        } catch (error) {
          throw failedStatement(file, index, statement, error);
        }
      }
      await tx.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${file.hash}, ${file.when})`);
    }
    return plan.pending.map((f) => f.tag);
  });
}

/** A MigrationError that names the migration, the statement number and its first line. */
export function failedStatement(file: MigrationFile, index: number, statement: string, error: unknown): MigrationError {
  const firstLine = statement.split('\n')[0]?.slice(0, 120) ?? '';
  const reason = toDbError(error, `migration ${file.tag}`).message;
  return new MigrationError(
    `Migration ${file.tag} failed at statement ${index + 1} of ${file.statements.length} (${firstLine}): ${reason}. Nothing from this run was applied.`,
    error,
  );
}
