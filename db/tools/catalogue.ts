/** The structure db/schema.ts declares and the structure a database has, in one normalised form (db:check compares them). */
import { is, SQL } from 'drizzle-orm';
import { getTableConfig, type Index } from 'drizzle-orm/pg-core';
import type { DatabaseClient } from '../client';
import { type CatalogueTable, sortForeignKeys } from '../dialects/catalogue';
import { internalsOf } from '../internals';
import { SCHEMA_TABLES } from '../tables';

/** Column names of an index, or undefined when a part is an expression. */
function indexColumns(index: Index): string[] | undefined {
  const names = index.config.columns.map((c) => ('name' in c && !is(c, SQL) ? c.name : undefined));
  const known = names.filter((n): n is string => n !== undefined);
  return known.length === names.length ? known : undefined;
}

/** Every table of db/schema.ts, normalised and sorted. */
export function expectedCatalogue(): Record<string, CatalogueTable> {
  const out: Record<string, CatalogueTable> = {};
  for (const { declared } of SCHEMA_TABLES) {
    const c = getTableConfig(declared);
    const pk = c.columns.filter((col) => col.primary).map((col) => col.name);
    const uniqueColumns = c.columns.filter((col) => col.isUnique);
    // Unique over every row: column and table unique constraints, and unique indexes without a where clause.
    const fullUniqueIndexes = c.indexes.filter((i) => i.config.unique && !i.config.where).map(indexColumns);
    out[c.name] = {
      columns: Object.fromEntries(c.columns.map((col) => [col.name, { notNull: col.notNull || col.primary }])),
      primaryKey: (pk.length ? pk : (c.primaryKeys[0]?.columns.map((col) => col.name) ?? [])).sort(),
      uniques: [
        ...uniqueColumns.map((col) => col.name),
        ...c.uniqueConstraints.map((u) => u.columns.map((col) => col.name).join(',')),
        ...fullUniqueIndexes.filter((cols): cols is string[] => cols !== undefined).map((cols) => cols.join(',')),
      ].sort(),
      // A unique constraint is an index of its own name on both families (drizzle-kit writes it so on SQLite).
      indexes: [...c.indexes.map((i) => i.config.name ?? ''), ...uniqueColumns.map((col) => col.uniqueName ?? ''), ...c.uniqueConstraints.map((u) => u.getName() ?? '')].sort(),
      checks: c.checks.map((ch) => ch.name).sort(),
      foreignKeys: sortForeignKeys(
        c.foreignKeys.map((fk) => {
          const ref = fk.reference();
          return {
            columns: ref.columns.map((col) => col.name).join(','),
            references: `${getTableConfig(ref.foreignTable).name}(${ref.foreignColumns.map((col) => col.name).join(',')})`,
            onDelete: fk.onDelete ?? 'no action',
            onUpdate: fk.onUpdate ?? 'no action',
          };
        }),
      ),
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
