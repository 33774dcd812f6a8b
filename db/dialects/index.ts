/**
 * What differs per SQL family for whole-database work (copy, restore), as data: callers pick the dialect
 * from the handle's capabilities instead of branching on the provider.
 */
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DatabaseClient } from '../client';
import type { SqlFamily } from '../providers/types';

export interface Dialect {
  /** Turns the transaction just begun into a consistent read-only view (SQLite's transaction already is one). */
  readSnapshot(tx: DatabaseClient): Promise<void>;
  /** After rows were written with explicit ids, new rows continue after the highest one. */
  continueIdentity(tx: DatabaseClient, table: PgTable, tableName: string, column: string): Promise<void>;
}

const pg: Dialect = {
  async readSnapshot(tx) {
    await tx.execute(sql`set transaction isolation level repeatable read, read only`);
  },
  async continueIdentity(tx, table, tableName, column) {
    const id = sql.identifier(column);
    const quoted = `"${tableName.replace(/"/g, '""')}"`;
    await tx.execute(sql`select setval(pg_get_serial_sequence(${quoted}, ${column}), coalesce(max(${id}), 1), max(${id}) is not null) from ${table}`);
  },
};

const sqlite: Dialect = {
  async readSnapshot() {
    // BEGIN IMMEDIATE already gives one consistent view (writers wait).
  },
  async continueIdentity(tx, table, tableName, column) {
    // AUTOINCREMENT keeps its high-water mark in sqlite_sequence; deleting rows does not lower it.
    const id = sql.identifier(column);
    await tx.execute(sql`delete from sqlite_sequence where name = ${tableName}`);
    await tx.execute(sql`insert into sqlite_sequence (name, seq) select ${tableName}, m from (select max(${id}) as m from ${table}) where m is not null`);
  },
};

/** The dialect of a SQL family. */
export function dialectOf(family: SqlFamily): Dialect {
  return family === 'pg' ? pg : sqlite;
}
