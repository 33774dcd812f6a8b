/**
 * What a user-scoped subscription (forUser(db, claims).subscribe) may see: an insert or update when the
 * user's role can select the row now; a delete, or a change to a row deleted since, when the table's SELECT
 * policies for that role admit the key (evaluated on a row holding only the key: write owner checks against
 * key columns, see README). Only reached on providers with rowLevelSecurity, so the SQL is Postgres'.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { DatabaseClient } from '../client';
import type { ChangeEvent, VisibilityFilter } from './subscribe';
import type { FedTable } from './tables';

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The key of `event` as a row object keyed by column name, and as a string to match on. */
const keyRow = (table: FedTable, event: ChangeEvent) => Object.fromEntries(table.primaryKey.map((field, i) => [table.keyColumns[i]!, event.key[field]]));
const keyText = (table: FedTable, row: Record<string, unknown>) => JSON.stringify(table.keyColumns.map((c) => String(row[c])));

/** The SELECT policies on `table` for the scoped role, combined as Postgres applies them; undefined admits every row. */
async function selectRule(scoped: DatabaseClient, table: FedTable): Promise<string | undefined> {
  const rows = await scoped.execute(sql`
    select c.relrowsecurity as secured, p.permissive, p.qual
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    left join pg_policies p on p.schemaname = n.nspname and p.tablename = c.relname and p.cmd in ('SELECT', 'ALL')
      and exists (select 1 from unnest(p.roles) r where r = 'public' or pg_has_role(current_user, r, 'member'))
    where n.nspname = ${table.pgSchema} and c.relname = ${table.name}`);
  if (rows[0]?.secured !== true) return undefined;
  // A policy without USING adds no rows to what the role can read.
  const quals = (kind: string) => rows.filter((r) => r.permissive === kind && typeof r.qual === 'string').map((r) => `(${r.qual})`);
  const permissive = quals('PERMISSIVE');
  if (permissive.length === 0) return 'false';
  return [`(${permissive.join(' or ')})`, ...quals('RESTRICTIVE')].join(' and ');
}

/** The visibility filter of a user-scoped handle; `reader` (the parent's role) tells a hidden row from a deleted one. */
export function visibleTo(scoped: DatabaseClient, reader: DatabaseClient): VisibilityFilter {
  return async (table, events) => {
    if (events.length === 0) return events;
    const relation = `${ident(table.pgSchema)}.${ident(table.name)}`;
    const keysOf = (list: ChangeEvent[]) => JSON.stringify(list.map((e) => keyRow(table, e)));
    const match = table.keyColumns.map((c) => `t.${ident(c)} = k.${ident(c)}`).join(' and ');
    const columns = table.keyColumns.map((c) => `k.${ident(c)}`).join(', ');
    const read = async (db: DatabaseClient, query: SQL) => new Set((await db.execute(query)).map((row) => keyText(table, row)));
    const existing = (db: DatabaseClient, list: ChangeEvent[]) =>
      read(db, sql`select ${sql.raw(columns)} from jsonb_populate_recordset(null::${sql.raw(relation)}, ${keysOf(list)}::jsonb) k join ${sql.raw(relation)} t on ${sql.raw(match)}`);

    const changed = events.filter((e) => e.op !== 'delete');
    const selectable = changed.length ? await existing(scoped, changed) : new Set<string>();
    const stillThere = changed.length ? await existing(reader, changed) : new Set<string>();
    const gone = events.filter((e) => e.op === 'delete' || !stillThere.has(keyText(table, keyRow(table, e))));
    let admitted = new Set<string>();
    if (gone.length) {
      const rule = await selectRule(scoped, table);
      // The record is named like the table, so policies that qualify their columns still resolve.
      const where = rule === undefined ? '' : ` where ${rule}`;
      admitted = await read(
        scoped,
        sql`select ${sql.raw(table.keyColumns.map((c) => `${ident(table.name)}.${ident(c)}`).join(', '))} from jsonb_populate_recordset(null::${sql.raw(relation)}, ${keysOf(gone)}::jsonb) as ${sql.raw(ident(table.name))}${sql.raw(where)}`,
      );
    }
    return events.filter((e) => {
      const key = keyText(table, keyRow(table, e));
      return selectable.has(key) || (!(e.op !== 'delete' && stillThere.has(key)) && admitted.has(key));
    });
  };
}
