/** Whole-database copies on Postgres: the read view and identity continuation after explicit ids. */
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DatabaseClient } from '../../client';

/** Makes the transaction just begun one consistent, read-only view. */
export async function pgReadSnapshot(tx: DatabaseClient): Promise<void> {
  await tx.execute(sql`set transaction isolation level repeatable read, read only`);
}

/** Sets the identity sequence so new rows continue after the highest id. */
export async function pgContinueIdentity(tx: DatabaseClient, table: PgTable, tableName: string, column: string): Promise<void> {
  const id = sql.identifier(column);
  const quoted = `"${tableName.replace(/"/g, '""')}"`;
  await tx.execute(sql`select setval(pg_get_serial_sequence(${quoted}, ${column}), coalesce(max(${id}), 1), max(${id}) is not null) from ${table}`);
}
