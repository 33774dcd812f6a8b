/** The live structure of one table from SQLite's pragmas, normalised to CatalogueTable (db:check compares it with the schema). */
import { sql } from 'drizzle-orm';
import type { DatabaseClient } from '../../client';
import type { CatalogueTable } from '../catalogue';

/** The table `table` as the database sees it. */
export async function readSqliteTable(db: DatabaseClient, table: string): Promise<CatalogueTable> {
  const cols = await db.execute(sql`select name, "notnull", pk from pragma_table_info(${table})`);
  const indexes = await db.execute(sql`select name, "unique", origin from pragma_index_list(${table})`);
  const uniques: string[] = [];
  for (const index of indexes.filter((i) => Number(i.unique) === 1 && i.origin !== 'pk')) {
    const parts = await db.execute(sql`select name from pragma_index_info(${String(index.name)})`);
    uniques.push(parts.map((p) => String(p.name)).join(','));
  }
  const fks = await db.execute(sql`select "from", "table", "to", on_delete from pragma_foreign_key_list(${table})`);
  const [ddl] = await db.execute(sql`select sql from sqlite_master where type = 'table' and name = ${table}`);
  const checks = [...String(ddl?.sql ?? '').matchAll(/CONSTRAINT\s+"([^"]+)"\s+CHECK/gi)].map((m) => m[1] ?? '');
  return {
    columns: Object.fromEntries(cols.map((c) => [String(c.name), { notNull: Number(c.notnull) === 1 || Number(c.pk) > 0 }])),
    primaryKey: cols
      .filter((c) => Number(c.pk) > 0)
      .map((c) => String(c.name))
      .sort(),
    uniques: uniques.sort(),
    indexes: indexes
      .filter((i) => i.origin === 'c' && Number(i.unique) === 0)
      .map((i) => String(i.name))
      .sort(),
    checks: checks.sort(),
    foreignKeys: fks
      .map((f) => ({ columns: String(f.from), references: `${String(f.table)}(${String(f.to)})`, onDelete: String(f.on_delete).toLowerCase() }))
      .sort((a, b) => a.columns.localeCompare(b.columns)),
  };
}
