/** The dialect of each SQL family, looked up by a handle's family (data, not branches). */
import type { PgTable } from 'drizzle-orm/pg-core';
import type { AppDatabase, SqlFamily } from '../providers/types';
import { normalizeRows } from './defaults';
import { pgDialect } from './pg';
import { sqliteDialect } from './sqlite';
import type { Dialect } from './types';

export const DIALECTS: Readonly<Record<SqlFamily, Dialect>> = Object.freeze({ pg: pgDialect, sqlite: sqliteDialect });

/** Inserts `input` into `table` in the family's fastest chunked form; returns the number of rows written. */
export async function bulkInsert(dialect: Dialect, db: AppDatabase, table: PgTable, input: Record<string, unknown>[]): Promise<number> {
  if (input.length === 0) return 0;
  const { keys, rows } = normalizeRows(table, input);
  await dialect.bulkInsert(db, table, keys, rows);
  return rows.length;
}

export type { Dialect } from './types';
