/**
 * The tables of db/schema.ts as types and as data: the one place the rest of the code learns them from.
 * Every export of the schema that is a table counts, under its export name; nothing here lists them.
 */
import { getTableColumns, is, type Relations } from 'drizzle-orm';
import { getTableConfig, PgTable, type PgColumn } from 'drizzle-orm/pg-core';
import { UnsupportedSchemaError } from './errors';
import * as schema from './schema';

type Schema = typeof schema;

/** Export names of db/schema.ts whose value is a table. */
export type TableKey = { [K in keyof Schema]: Schema[K] extends PgTable ? K : never }[keyof Schema];

/** Every table of db/schema.ts, keyed like its export (the declared pg tables). */
export type Tables = { [K in TableKey]: Schema[K] };

/** The tables and relations of db/schema.ts: what Drizzle's relational queries are typed over. */
export type RelationalSchema = { [K in keyof Schema as Schema[K] extends PgTable | Relations ? K : never]: Schema[K] };

const entries = Object.entries(schema as Record<string, unknown>);

// Safe: the filter keeps exactly the exports whose value is a table, which is what Tables maps.
/** The declared (pg) tables, keyed like their exports. */
export const PG_TABLES = Object.freeze(Object.fromEntries(entries.filter(([, v]) => is(v, PgTable)))) as Tables;

/** Tables and relations, for `drizzle({ schema })` on Postgres clients. */
export const RELATIONAL_SCHEMA = Object.freeze(Object.fromEntries(entries.filter(([, v]) => is(v, PgTable) || isRelations(v)))) as RelationalSchema;

/** True for the value `relations(table, …)` returns. */
export function isRelations(value: unknown): value is Relations {
  return typeof value === 'object' && value !== null && 'table' in value && 'config' in value && is((value as Relations).table, PgTable);
}

/** One table of db/schema.ts, described from its declaration. */
export interface TableInfo {
  /** Export name (key in Tables and in createRepositories()). */
  key: TableKey;
  /** SQL name. */
  name: string;
  /** Field names (JS keys), in declaration order. */
  columns: string[];
  /** Field names of the primary key, in order. */
  primaryKey: string[];
  /** SQL name of the identity column (an integer primary key whose values the database generates). */
  identity: string | undefined;
  declared: PgTable;
}

function describeTable(key: TableKey, table: PgTable): TableInfo {
  const config = getTableConfig(table);
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const fieldOf = new Map(Object.entries(columns).map(([field, col]) => [col.name, field]));
  const pkColumns = config.primaryKeys[0]?.columns ?? config.columns.filter((c) => c.primary);
  if (pkColumns.length === 0) throw new UnsupportedSchemaError(config.name, 'has no primary key', 'give every table a primary key (repositories and copies address rows by it)');
  return {
    key,
    name: config.name,
    columns: Object.keys(columns),
    primaryKey: pkColumns.map((c) => fieldOf.get(c.name)!),
    identity: config.columns.find((c) => c.generatedIdentity && c.primary)?.name,
    declared: table,
  };
}

/** Orders tables so that every table comes after the tables its foreign keys reference (stable otherwise). */
function parentsFirst(tables: TableInfo[]): TableInfo[] {
  const parents = new Map(tables.map((t) => [t.name, new Set(getTableConfig(t.declared).foreignKeys.map((fk) => getTableConfig(fk.reference().foreignTable).name))]));
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const next = tables.find((t) => !placed.has(t.name) && [...parents.get(t.name)!].every((p) => p === t.name || placed.has(p)));
    if (!next) {
      const rest = tables
        .filter((t) => !placed.has(t.name))
        .map((t) => t.name)
        .join(', ');
      throw new UnsupportedSchemaError(rest, 'foreign keys form a cycle', 'break the cycle with a nullable key filled in afterwards');
    }
    ordered.push(next);
    placed.add(next.name);
  }
  return ordered;
}

/** Every table of db/schema.ts, parents before children (copy and seed order; reverse it to delete). */
export const SCHEMA_TABLES: readonly TableInfo[] = Object.freeze(parentsFirst((Object.entries(PG_TABLES) as [TableKey, PgTable][]).map(([key, table]) => describeTable(key, table))));

/** The description of the table exported as `key`. */
export function tableInfo(key: TableKey): TableInfo {
  return SCHEMA_TABLES.find((t) => t.key === key)!;
}
