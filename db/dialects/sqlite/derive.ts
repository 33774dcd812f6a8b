/**
 * Derives SQLite tables from the Postgres tables of db/schema.ts, so nobody writes a second schema:
 * columns (via columns.ts), composite primary keys, unique constraints, indexes, checks and foreign keys
 * with their actions. Column references inside check and index SQL are re-pointed at the SQLite columns.
 */
import { getTableColumns, is, SQL } from 'drizzle-orm';
import { getTableConfig, PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { check, foreignKey, index, primaryKey, sqliteTable, uniqueIndex, unique, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { UnsupportedSchemaError } from '../../errors';
import { deriveSqliteColumn } from './columns';

type DerivedTables = Map<string, SQLiteTable>;

function columnOf(derived: DerivedTables, col: PgColumn): SQLiteColumn {
  const tableName = getTableConfig(col.table).name;
  const table = derived.get(tableName);
  const match = table && Object.values(getTableColumns(table)).find((c) => c.name === col.name);
  if (!match) {
    throw new UnsupportedSchemaError(`${tableName}.${col.name}`, 'is referenced before its table is defined', 'export referenced tables first in db/schema.ts');
  }
  return match;
}

/** Rewrites a SQL fragment written against pg columns so it points at the derived SQLite columns. */
function remapSql(derived: DerivedTables, fragment: SQL): SQL {
  return new SQL(
    fragment.queryChunks.map((chunk) => {
      if (is(chunk, PgColumn)) return columnOf(derived, chunk);
      if (is(chunk, SQL)) return remapSql(derived, chunk);
      return chunk;
    }),
  );
}

function deriveTable(pgTable: PgTable, derived: DerivedTables): SQLiteTable {
  const config = getTableConfig(pgTable);
  if (config.schema) {
    throw new UnsupportedSchemaError(config.name, `the Postgres schema "${config.schema}" has no SQLite form`, 'use the public schema');
  }
  const columns = Object.fromEntries(
    Object.entries(pgTable)
      .filter((e): e is [string, PgColumn] => is(e[1], PgColumn))
      .map(([key, col]) => [key, deriveSqliteColumn(config.name, col)]),
  );

  return sqliteTable(config.name, columns, (t) => {
    // Index parts are not the PgColumn objects themselves, so columns are matched by SQL name.
    const byName = new Map(Object.values(t as Record<string, SQLiteColumn>).map((c) => [c.name, c]));
    const own = (c: { name: string }) => byName.get(c.name) as SQLiteColumn;
    const pick = (cols: { name: string }[]) => cols.map(own) as [SQLiteColumn, ...SQLiteColumn[]];
    const extras = [];
    for (const pk of config.primaryKeys) extras.push(primaryKey({ name: pk.getName(), columns: pick(pk.columns) }));
    for (const u of config.uniqueConstraints) extras.push(unique(u.getName()).on(...pick(u.columns)));
    for (const c of config.checks) extras.push(check(c.name, remapSql(derived, c.value)));
    for (const idx of config.indexes) {
      const { name, unique: isUnique, columns: parts, where } = idx.config;
      if (!name) throw new UnsupportedSchemaError(config.name, 'an index has no name', 'name every index');
      const on = parts.map((p) => (is(p, SQL) ? remapSql(derived, p) : own(p as { name: string }))) as [SQLiteColumn, ...SQLiteColumn[]];
      const built = (isUnique ? uniqueIndex(name) : index(name)).on(...on);
      extras.push(where ? built.where(remapSql(derived, where)) : built);
    }
    for (const fk of config.foreignKeys) {
      const ref = fk.reference();
      const builder = foreignKey({
        name: fk.getName(),
        columns: pick(ref.columns),
        foreignColumns: ref.foreignColumns.map((c) => columnOf(derived, c)) as [SQLiteColumn, ...SQLiteColumn[]],
      });
      if (fk.onDelete) builder.onDelete(fk.onDelete);
      if (fk.onUpdate) builder.onUpdate(fk.onUpdate);
      extras.push(builder);
    }
    return extras;
  });
}

/**
 * Derives one SQLite table per Postgres table in `schema` (other exports such as relations are ignored),
 * keyed by the same export names.
 */
export function deriveSqliteTables<T extends Record<string, unknown>>(schema: T): Record<string, SQLiteTable> {
  const derived: DerivedTables = new Map();
  const out: Record<string, SQLiteTable> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!is(value, PgTable)) continue;
    const table = deriveTable(value, derived);
    derived.set(getTableConfig(value).name, table);
    out[key] = table;
  }
  return out;
}
