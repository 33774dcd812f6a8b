/**
 * Reads the live structure of the application tables from the database catalogue (pg_catalog or
 * SQLite pragmas), normalised to CatalogueTable, so tests and db:check compare it with what db/schema.ts declares.
 */
import { sql } from 'drizzle-orm';
import type { DatabaseClient } from '../client';
import { expectedCatalogue } from './expected';
import type { CatalogueTable } from './types';

const APP_TABLES = Object.keys(expectedCatalogue());

async function readPg(db: DatabaseClient, table: string): Promise<CatalogueTable> {
  const cols = await db.execute(sql`select column_name, is_nullable from information_schema.columns where table_schema = 'public' and table_name = ${table}`);
  const cons = await db.execute(sql`
    select con.conname, con.contype, confdeltype,
      (select string_agg(a.attname, ',' order by a.attname) from unnest(con.conkey) k join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k) as cols,
      (select relname from pg_class where oid = con.confrelid) as ref_table,
      (select string_agg(a.attname, ',' order by a.attname) from unnest(con.confkey) k join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k) as ref_cols
    from pg_constraint con where con.conrelid = ${`public.${table}`}::regclass`);
  const idx = await db.execute(sql`
    select i.relname from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = ${`public.${table}`}::regclass and not x.indisunique and not x.indisprimary`);
  const actions: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };
  const of = (type: string) => cons.filter((c) => c.contype === type);
  return {
    columns: Object.fromEntries(cols.map((c) => [String(c.column_name), { notNull: c.is_nullable === 'NO' }])),
    primaryKey: String(of('p')[0]?.cols ?? '').split(',').filter(Boolean).sort(),
    uniques: of('u').map((c) => String(c.cols)).sort(),
    indexes: idx.map((i) => String(i.relname)).sort(),
    checks: of('c').map((c) => String(c.conname)).sort(),
    foreignKeys: of('f')
      .map((c) => ({ columns: String(c.cols), references: `${String(c.ref_table)}(${String(c.ref_cols)})`, onDelete: actions[String(c.confdeltype)] ?? '?' }))
      .sort((a, b) => a.columns.localeCompare(b.columns)),
  };
}

async function readSqlite(db: DatabaseClient, table: string): Promise<CatalogueTable> {
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
    primaryKey: cols.filter((c) => Number(c.pk) > 0).map((c) => String(c.name)).sort(),
    uniques: uniques.sort(),
    indexes: indexes.filter((i) => i.origin === 'c' && Number(i.unique) === 0).map((i) => String(i.name)).sort(),
    checks: checks.sort(),
    foreignKeys: fks
      .map((f) => ({ columns: String(f.from), references: `${String(f.table)}(${String(f.to)})`, onDelete: String(f.on_delete).toLowerCase() }))
      .sort((a, b) => a.columns.localeCompare(b.columns)),
  };
}

/** The structure of every application table as the database sees it. */
export async function readCatalogue(db: DatabaseClient): Promise<Record<string, CatalogueTable>> {
  const read = db.capabilities.family === 'sqlite' ? readSqlite : readPg;
  const out: Record<string, CatalogueTable> = {};
  for (const table of APP_TABLES) out[table] = await read(db, table);
  return out;
}
