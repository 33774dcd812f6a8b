/** The live structure of one table from pg_catalog, normalised to CatalogueTable (db:check compares it with the schema). */
import { sql } from 'drizzle-orm';
import type { DatabaseClient } from '../../client';
import { type CatalogueTable, sortForeignKeys } from '../catalogue';

const ACTIONS: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

/** The table `table` of the public schema as the database sees it. */
export async function readPgTable(db: DatabaseClient, table: string): Promise<CatalogueTable> {
  const relation = `public.${table}`;
  const cols = await db.execute(sql`select column_name, is_nullable from information_schema.columns where table_schema = 'public' and table_name = ${table}`);
  // Column lists keep the key's own order (with ordinality), so composite keys pair up column by column.
  const cons = await db.execute(sql`
    select con.conname, con.contype, con.confdeltype, con.confupdtype,
      (select string_agg(a.attname, ',' order by k.n) from unnest(con.conkey) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as cols,
      (select relname from pg_class where oid = con.confrelid) as ref_table,
      (select string_agg(a.attname, ',' order by k.n) from unnest(con.confkey) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum) as ref_cols
    from pg_constraint con where con.conrelid = to_regclass(${relation})`);
  const idx = await db.execute(sql`
    select i.relname, case when x.indisunique and x.indpred is null then 1 else 0 end as full_unique,
      (select string_agg(a.attname, ',' order by k.n) from unnest(x.indkey::int2[]) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum) as cols
    from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = to_regclass(${relation}) and not x.indisprimary`);
  const of = (type: string) => cons.filter((c) => c.contype === type);
  return {
    columns: Object.fromEntries(cols.map((c) => [String(c.column_name), { notNull: c.is_nullable === 'NO' }])),
    primaryKey: String(of('p')[0]?.cols ?? '')
      .split(',')
      .filter(Boolean)
      .sort(),
    uniques: idx
      .filter((i) => Number(i.full_unique) === 1)
      .map((i) => String(i.cols))
      .sort(),
    indexes: idx.map((i) => String(i.relname)).sort(),
    checks: of('c')
      .map((c) => String(c.conname))
      .sort(),
    foreignKeys: sortForeignKeys(
      of('f').map((c) => ({
        columns: String(c.cols),
        references: `${String(c.ref_table)}(${String(c.ref_cols)})`,
        onDelete: ACTIONS[String(c.confdeltype)] ?? '?',
        onUpdate: ACTIONS[String(c.confupdtype)] ?? '?',
      })),
    ),
  };
}
