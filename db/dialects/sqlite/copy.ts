/** Whole-database copies on SQLite: the read view and identity continuation after explicit ids. */
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DatabaseClient } from '../../client';

/** BEGIN IMMEDIATE already gives one consistent view (writers wait), so there is nothing to add. */
export async function sqliteReadSnapshot(_tx: DatabaseClient): Promise<void> {}

/** AUTOINCREMENT keeps its high-water mark in sqlite_sequence; deleting rows does not lower it. */
export async function sqliteContinueIdentity(tx: DatabaseClient, table: PgTable, tableName: string, column: string): Promise<void> {
  const id = sql.identifier(column);
  await tx.execute(sql`delete from sqlite_sequence where name = ${tableName}`);
  await tx.execute(sql`insert into sqlite_sequence (name, seq) select ${tableName}, m from (select max(${id}) as m from ${table}) where m is not null`);
}
