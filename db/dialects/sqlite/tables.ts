/**
 * The SQLite tables and relations, derived from db/schema.ts at import time (derive.ts, relations.ts).
 *
 * Two views of them:
 * - `SQLITE_TABLES` types the derived tables as the declared pg tables. Repositories and tools are written
 *   once against the pg types and run here unchanged. That is safe because the derived tables have the same
 *   keys, column names and JavaScript value shapes (derive.ts maps every type so a row reads back the
 *   same), and the shared code only uses the query-builder surface both dialects implement alike
 *   (select/insert/update/delete with returning, onConflict, joins, aggregates); the shared test suite runs
 *   every repository call on SQLite. This file holds the ONE cast that makes it so.
 * - `SqliteTables` is the honest type, for users of the raw SQLite client (`client.db` when
 *   `client.dialect === 'sqlite'`): the same columns with SQLite's dialect brand.
 */
import type { Column, ColumnBaseConfig, Relations } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as getSqliteConfig, type SQLiteColumn, type SQLiteTable, type SQLiteTableWithColumns } from 'drizzle-orm/sqlite-core';
import type { AppDatabase } from '../../providers/types';
import { isRelations, PG_TABLES, RELATIONAL_SCHEMA, type RelationalSchema, type TableKey, type Tables } from '../../tables';
import { deriveSqliteTables } from './derive';
import { deriveSqliteRelations } from './relations';

/** A declared column with SQLite's dialect brand (same name, JS type, nullability and defaults). */
type SqliteColumnOf<C extends Column> = SQLiteColumn<Omit<C['_'], 'dialect' | 'brand'> & ColumnBaseConfig<C['_']['dataType'], string>>;

/** A declared table as its derived SQLite table. */
export type SqliteTableOf<T extends PgTable> = SQLiteTableWithColumns<{
  name: T['_']['name'];
  schema: undefined;
  columns: { [K in keyof T['_']['columns']]: SqliteColumnOf<T['_']['columns'][K]> };
  dialect: 'sqlite';
}>;

/** The derived SQLite tables, keyed like db/schema.ts. */
export type SqliteTables = { [K in TableKey]: SqliteTableOf<Tables[K]> };

/** Tables and relations for the SQLite client's relational queries (relations keep their declared types). */
export type SqliteRelationalSchema = SqliteTables & Omit<RelationalSchema, TableKey>;

/** Every derived table, keyed like the exports of db/schema.ts. */
export const SQLITE_DERIVED = Object.freeze(deriveSqliteTables(PG_TABLES)) as unknown as SqliteTables;

const byName = new Map(Object.values(SQLITE_DERIVED as Record<string, SQLiteTable>).map((t) => [getSqliteConfig(t).name, t]));
const lookup = {
  table: (declared: PgTable) => byName.get(getTableConfig(declared).name)!,
  column: (declared: PgColumn) => {
    const table = byName.get(getTableConfig(declared.table).name)!;
    return getSqliteConfig(table).columns.find((c) => c.name === declared.name) as SQLiteColumn;
  },
};

/** The derived tables with the derived relations, for drizzle({ schema }) on better-sqlite3. */
export const SQLITE_RELATIONAL_SCHEMA = Object.freeze(
  Object.fromEntries(
    Object.entries(RELATIONAL_SCHEMA as Record<string, unknown>).map(([key, value]) => [
      key,
      isRelations(value) ? deriveSqliteRelations(value as Relations, lookup) : (SQLITE_DERIVED as Record<string, unknown>)[key],
    ]),
  ),
) as SqliteRelationalSchema;

// The one cast of the pg→SQLite adaptation; see the file comment for why it is safe.
/** The derived tables typed as the declared ones (what repositories and tools use). */
export const SQLITE_TABLES = SQLITE_DERIVED as unknown as Tables;

/** The better-sqlite3 Drizzle client as the pg-typed AppDatabase (same reasoning as SQLITE_TABLES). */
export function asAppDatabase(db: BetterSQLite3Database<SqliteRelationalSchema>): AppDatabase {
  return db as unknown as AppDatabase;
}

/** The inverse of asAppDatabase, for code of this folder that calls better-sqlite3-only methods. */
export function asSqliteDatabase(db: AppDatabase): BetterSQLite3Database<SqliteRelationalSchema> {
  return db as unknown as BetterSQLite3Database<SqliteRelationalSchema>;
}
