/**
 * The relations of db/schema.ts re-pointed at the derived SQLite tables, so Drizzle's relational queries
 * (`db.query.books.findMany({ with: { author: true } })`) run on SQLite exactly as on Postgres.
 */
import { createTableRelationsHelpers, is, Many, One, relations, type Relation, type Relations } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';

/** How the derived tables are found from the declared ones. */
export interface DerivedLookup {
  table(declared: PgTable): SQLiteTable;
  column(declared: PgColumn): SQLiteColumn;
}

/** The same relations as `declared`, over the derived SQLite tables. */
export function deriveSqliteRelations(declared: Relations, lookup: DerivedLookup): Relations {
  return relations(lookup.table(declared.table as PgTable), (helpers) => {
    const original = declared.config(createTableRelationsHelpers(declared.table));
    const out: Record<string, Relation> = {};
    for (const [field, relation] of Object.entries(original)) {
      const target = lookup.table(relation.referencedTable as PgTable);
      if (is(relation, One)) {
        const config = relation.config;
        out[field] = helpers.one(
          target,
          config && {
            relationName: config.relationName,
            fields: config.fields.map((c) => lookup.column(c as PgColumn)) as [SQLiteColumn, ...SQLiteColumn[]],
            references: config.references.map((c) => lookup.column(c as PgColumn)) as [SQLiteColumn, ...SQLiteColumn[]],
          },
        );
      } else if (is(relation, Many)) {
        out[field] = helpers.many(target, relation.relationName ? { relationName: relation.relationName } : undefined);
      }
    }
    return out;
  });
}
