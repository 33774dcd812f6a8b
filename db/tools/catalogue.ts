/** The structure db/schema.ts declares and the structure a database has, in one normalised form (db:check compares them). */
import { getTableConfig } from 'drizzle-orm/pg-core';
import type { DatabaseClient } from '../client';
import type { CatalogueTable } from '../dialects/catalogue';
import { internalsOf } from '../internals';
import { SCHEMA_TABLES } from '../tables';

/** Every table of db/schema.ts, normalised and sorted. */
export function expectedCatalogue(): Record<string, CatalogueTable> {
  const out: Record<string, CatalogueTable> = {};
  for (const { declared } of SCHEMA_TABLES) {
    const c = getTableConfig(declared);
    const pk = c.columns.filter((col) => col.primary).map((col) => col.name);
    out[c.name] = {
      columns: Object.fromEntries(c.columns.map((col) => [col.name, { notNull: col.notNull || col.primary }])),
      primaryKey: (pk.length ? pk : (c.primaryKeys[0]?.columns.map((col) => col.name) ?? [])).sort(),
      uniques: c.columns
        .filter((col) => col.isUnique)
        .map((col) => col.name)
        .sort(),
      indexes: c.indexes.map((i) => i.config.name ?? '').sort(),
      checks: c.checks.map((ch) => ch.name).sort(),
      foreignKeys: c.foreignKeys
        .map((fk) => {
          const ref = fk.reference();
          return {
            columns: ref.columns.map((col) => col.name).join(','),
            references: `${getTableConfig(ref.foreignTable).name}(${ref.foreignColumns.map((col) => col.name).join(',')})`,
            onDelete: fk.onDelete ?? 'no action',
          };
        })
        .sort((a, b) => a.columns.localeCompare(b.columns)),
    };
  }
  return out;
}

/** The structure of every table of the schema as the database sees it (same normalised form). */
export async function readCatalogue(client: DatabaseClient): Promise<Record<string, CatalogueTable>> {
  const { dialect } = internalsOf(client);
  const out: Record<string, CatalogueTable> = {};
  for (const { name } of SCHEMA_TABLES) out[name] = await dialect.readTable(client, name);
  return out;
}
