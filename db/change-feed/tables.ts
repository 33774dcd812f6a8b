/**
 * The fed tables, derived from the declaration in db/schema.ts: names, keys and types come from SCHEMA_TABLES.
 */
import { getTableColumns } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { UnsupportedSchemaError } from '../errors';
import * as schema from '../schema';
import { SCHEMA_TABLES, type TableInfo, type TableKey, type Tables } from '../tables';
import { isChangeFeedDeclaration } from './declare';

type Schema = typeof schema;
type Declared = { [K in keyof Schema]: Schema[K] extends { kind: 'change-feed'; tables: infer T } ? T : never }[keyof Schema];

/** Export names of the tables db/schema.ts declares in its change feed. */
export type FedTableKey = { [K in TableKey]: Tables[K] extends (Declared extends readonly (infer E)[] ? E : never) ? K : never }[TableKey];

/** A fed table: its description plus the SQL names of its key columns, in key order. */
export interface FedTable extends TableInfo {
  keyColumns: string[];
  /** The Postgres schema it lives in. */
  pgSchema: string;
}

function fed(): FedTable[] {
  const declarations = Object.values(schema as Record<string, unknown>).filter(isChangeFeedDeclaration);
  if (declarations.length > 1) throw new UnsupportedSchemaError('change feed', 'is declared more than once', 'export one feedChangesOf(…) from db/schema.ts');
  const declared = new Set<PgTable>(declarations[0]?.tables ?? []);
  for (const table of declared) {
    if (!SCHEMA_TABLES.some((t) => t.declared === table)) throw new UnsupportedSchemaError(getTableConfig(table).name, 'is in the change feed but not exported from db/schema.ts', 'export the table');
  }
  return SCHEMA_TABLES.filter((t) => declared.has(t.declared)).map((info) => {
    const columns = getTableColumns(info.declared) as Record<string, PgColumn>;
    return { ...info, keyColumns: info.primaryKey.map((field) => columns[field]!.name), pgSchema: getTableConfig(info.declared).schema ?? 'public' };
  });
}

/** Every fed table, parents first. */
export const FED_TABLES: readonly FedTable[] = Object.freeze(fed());

/** The fed table with this SQL name or export key, if it is fed. */
export function fedTable(nameOrKey: string): FedTable | undefined {
  return FED_TABLES.find((t) => t.key === nameOrKey || t.name === nameOrKey);
}
