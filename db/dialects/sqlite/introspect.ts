/** The live structure of one table from SQLite's pragmas, normalised to CatalogueTable (db:check compares it with the schema). */
import { sql } from 'drizzle-orm';
import type { DatabaseClient } from '../../client';
import { type CatalogueForeignKey, type CatalogueTable, sortForeignKeys } from '../catalogue';

/** The table `table` as the database sees it. */
export async function readSqliteTable(db: DatabaseClient, table: string): Promise<CatalogueTable> {
  const cols = await db.execute(sql`select name, "notnull", pk from pragma_table_info(${table})`);
  const indexes = await db.execute(sql`select name, "unique", origin, partial from pragma_index_list(${table})`);
  const uniques: string[] = [];
  // A partial unique index (`where deleted_at is null`) does not make the column unique over every row.
  for (const index of indexes.filter((i) => Number(i.unique) === 1 && Number(i.partial) === 0 && i.origin !== 'pk')) {
    const parts = await db.execute(sql`select name from pragma_index_info(${String(index.name)}) order by seqno`);
    uniques.push(parts.map((p) => String(p.name)).join(','));
  }
  // One row per column pair; `id` groups the pairs of one key, `seq` orders them.
  const pairs = await db.execute(sql`select id, seq, "from", "table", "to", on_update, on_delete from pragma_foreign_key_list(${table}) order by id, seq`);
  const keys = new Map<string, { from: string[]; to: string[]; table: string; onDelete: string; onUpdate: string }>();
  for (const p of pairs) {
    const key = keys.get(String(p.id)) ?? { from: [], to: [], table: String(p.table), onDelete: String(p.on_delete).toLowerCase(), onUpdate: String(p.on_update).toLowerCase() };
    key.from.push(String(p.from));
    key.to.push(String(p.to));
    keys.set(String(p.id), key);
  }
  const foreignKeys: CatalogueForeignKey[] = [...keys.values()].map((k) => ({ columns: k.from.join(','), references: `${k.table}(${k.to.join(',')})`, onDelete: k.onDelete, onUpdate: k.onUpdate }));
  const [ddl] = await db.execute(sql`select sql from sqlite_master where type = 'table' and name = ${table}`);
  const checks = [...String(ddl?.sql ?? '').matchAll(/CONSTRAINT\s+"([^"]+)"\s+CHECK/gi)].map((m) => m[1] ?? '');
  return {
    columns: Object.fromEntries(cols.map((c) => [String(c.name), { notNull: Number(c.notnull) === 1 || Number(c.pk) > 0 }])),
    primaryKey: cols
      .filter((c) => Number(c.pk) > 0)
      .map((c) => String(c.name))
      .sort(),
    uniques: uniques.sort(),
    // Indexes created by CREATE INDEX (origin 'c'); SQLite's automatic ones have no name of the schema's.
    indexes: indexes
      .filter((i) => i.origin === 'c')
      .map((i) => String(i.name))
      .sort(),
    checks: checks.sort(),
    foreignKeys: sortForeignKeys(foreignKeys),
  };
}
