/** The live structure of one table from pg_catalog, normalised to CatalogueTable (db:check compares it with the schema). */
import { sql } from 'drizzle-orm';
import type { DatabaseClient } from '../../client';
import type { CatalogueTable } from '../catalogue';

/** The table `table` of the public schema as the database sees it. */
export async function readPgTable(db: DatabaseClient, table: string): Promise<CatalogueTable> {
  const cols = await db.execute(sql`select column_name, is_nullable from information_schema.columns where table_schema = 'public' and table_name = ${table}`);
  const cons = await db.execute(sql`
    select con.conname, con.contype, confdeltype,
      (select string_agg(a.attname, ',' order by a.attname) from unnest(con.conkey) k join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k) as cols,
      (select relname from pg_class where oid = con.confrelid) as ref_table,
      (select string_agg(a.attname, ',' order by a.attname) from unnest(con.confkey) k join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k) as ref_cols
    from pg_constraint con where con.conrelid = to_regclass(${`public.${table}`})`);
  const idx = await db.execute(sql`
    select i.relname from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = to_regclass(${`public.${table}`}) and not x.indisunique and not x.indisprimary`);
  const actions: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };
  const of = (type: string) => cons.filter((c) => c.contype === type);
  return {
    columns: Object.fromEntries(cols.map((c) => [String(c.column_name), { notNull: c.is_nullable === 'NO' }])),
    primaryKey: String(of('p')[0]?.cols ?? '')
      .split(',')
      .filter(Boolean)
      .sort(),
    uniques: of('u')
      .map((c) => String(c.cols))
      .sort(),
    indexes: idx.map((i) => String(i.relname)).sort(),
    checks: of('c')
      .map((c) => String(c.conname))
      .sort(),
    foreignKeys: of('f')
      .map((c) => ({ columns: String(c.cols), references: `${String(c.ref_table)}(${String(c.ref_cols)})`, onDelete: actions[String(c.confdeltype)] ?? '?' }))
      .sort((a, b) => a.columns.localeCompare(b.columns)),
  };
}
