/**
 * Postgres migrator: the whole run is ONE transaction holding an advisory lock, so concurrent migrators
 * wait for each other, each migration is recorded exactly once, and a failure leaves nothing behind.
 * The table is drizzle's own (drizzle.__drizzle_migrations), so drizzle-kit sees the same history. Each row
 * also names its migration in a `tag` column (see migrate/journal.ts for why it is not called `name`).
 */
import { sql } from 'drizzle-orm';
import type { DatabaseClient } from '../../client';
import { assertConsistent, failedStatement, planMigrations, type AppliedRow, type MigrationFile } from '../../migrate/journal';

/** Arbitrary constant shared by every process migrating this database. */
const MIGRATION_LOCK_KEY = 7_270_736_901;

/** The recorded rows, oldest first (empty when the table does not exist yet). */
export async function readPgHistory(db: DatabaseClient): Promise<AppliedRow[]> {
  const [exists] = await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as "exists"`);
  if (!exists?.exists) return [];
  const rows = await db.execute(sql`select * from drizzle.__drizzle_migrations order by id`);
  return rows.map((r) => ({ hash: String(r.hash), createdAt: Number(r.created_at), tag: typeof r.tag === 'string' ? r.tag : undefined }));
}

/** Applies every pending migration; returns the tags applied by this call. */
export async function migratePg(db: DatabaseClient, files: MigrationFile[], folder: string): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`);
    await tx.execute(sql`alter table drizzle.__drizzle_migrations add column if not exists tag text`);
    const plan = planMigrations(files, await readPgHistory(tx));
    assertConsistent(plan, folder);
    for (const file of plan.applied) {
      await tx.execute(sql`update drizzle.__drizzle_migrations set tag = ${file.tag} where hash = ${file.hash} and tag is null`);
    }
    for (const file of plan.pending) {
      for (const [index, statement] of file.statements.entries()) {
        try {
          await tx.execute(sql.raw(statement));
        } catch (error) {
          throw failedStatement(file, index, statement, error);
        }
      }
      await tx.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at, tag) values (${file.hash}, ${file.when}, ${file.tag})`);
    }
    return plan.pending.map((f) => f.tag);
  });
}
