/**
 * Column types, nullability and defaults on SQLite, expected from the DERIVED tables (their types and
 * defaults are not the pg ones: timestamps are integers, defaults are SQLite expressions) and live from
 * pragma_table_info. Types compare by affinity: SQLite stores and converts values by affinity only, so
 * `numeric(12,4)` and `numeric` are the same column to it.
 */
import { is, SQL, sql } from 'drizzle-orm';
import { getTableConfig, type SQLiteColumn, SQLiteSyncDialect, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { DatabaseClient } from '../../client';
import { type CatalogueColumn, type ColumnDefault, literalDefault, NO_DEFAULT, normalizeDefault, primaryKeyColumns } from '../catalogue';
import { SQLITE_DERIVED } from './tables';

/** The affinity SQLite gives a declared type (rules of https://sqlite.org/datatype3.html, section 3.1), lower case. */
export function sqliteAffinity(declared: string): string {
  const type = declared.toUpperCase();
  if (type.includes('INT')) return 'integer';
  if (/CHAR|CLOB|TEXT/.test(type)) return 'text';
  if (type.includes('BLOB') || type.trim() === '') return 'blob';
  if (/REAL|FLOA|DOUB/.test(type)) return 'real';
  return 'numeric';
}

function declaredDefault(col: SQLiteColumn): ColumnDefault {
  if (col.generated || col.default === undefined) return NO_DEFAULT; // $defaultFn runs in JavaScript: nothing in the database
  if (is(col.default, SQL)) {
    const query = new SQLiteSyncDialect().sqlToQuery(col.default);
    return { present: true, text: query.params.length ? undefined : normalizeDefault(query.sql) };
  }
  return literalDefault(col.default, sqliteAffinity(col.getSQLType()) === 'text');
}

/** The columns of table `name` as derived from db/schema.ts (empty when the schema has no such table). */
export function expectedSqliteColumns(name: string): Record<string, CatalogueColumn> {
  const table = Object.values(SQLITE_DERIVED as Record<string, SQLiteTable>).find((t) => getTableConfig(t).name === name);
  if (!table) return {};
  const config = getTableConfig(table);
  const primary = primaryKeyColumns(config);
  return Object.fromEntries(config.columns.map((col) => [col.name, { type: sqliteAffinity(col.getSQLType()), notNull: col.notNull || primary.has(col.name), default: declaredDefault(col) }]));
}

/** The columns of table `name` as the database has them. */
export async function readSqliteColumns(db: DatabaseClient, name: string): Promise<Record<string, CatalogueColumn>> {
  const rows = await db.execute(sql`select name, type, "notnull", pk, dflt_value from pragma_table_info(${name})`);
  return Object.fromEntries(
    rows.map((r) => [
      String(r.name),
      {
        type: sqliteAffinity(String(r.type ?? '')),
        // A primary key column counts as not null, as expectedSqliteColumns() counts it.
        notNull: Number(r.notnull) === 1 || Number(r.pk) > 0,
        default: r.dflt_value == null ? NO_DEFAULT : { present: true, text: normalizeDefault(String(r.dflt_value)) },
      },
    ]),
  );
}
