/** SQLite bulk insert: multi-row VALUES chunked under its 32,766 bound-parameter limit. */
import { getTableColumns } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { AppDatabase } from '../../providers/types';

const MAX_PARAMS = 32_766;

/** Inserts `rows` (all with the same keys) into `table`. */
export async function sqliteBulkInsert(db: AppDatabase, table: PgTable, _keys: string[], rows: Record<string, unknown>[]): Promise<void> {
  // Drizzle binds literal column defaults as parameters too, so budget for every column of the table.
  const perChunk = Math.max(1, Math.floor(MAX_PARAMS / Object.keys(getTableColumns(table)).length));
  for (let start = 0; start < rows.length; start += perChunk) {
    await db.insert(table).values(rows.slice(start, start + perChunk) as never);
  }
}
