/**
 * The change feed on SQLite: a row trigger per fed table and op appends to an AUTOINCREMENT log. SQLite has
 * one writer at a time, so numbers are handed out in commit order; a rolled-back write takes its entries
 * with it. See README, "Change feed".
 */
import { sql } from 'drizzle-orm';
import type { DatabaseClient } from '../../client';
import type { ChangeOp, FeedDialect, FeedRow } from '../../change-feed/types';
import type { FedTable } from '../../change-feed/tables';
import type { TableInfo } from '../../tables';

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
/** Milliseconds since 1970 (UTC), as the log stores them. */
const NOW_MS = `((julianday('now') - 2440587.5) * 86400000.0)`;

const LOG = [
  `CREATE TABLE IF NOT EXISTS _change_feed (seq INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL, op TEXT NOT NULL, keys TEXT NOT NULL, at REAL NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS _change_feed_table_seq ON _change_feed (table_name, seq)`,
  `CREATE TABLE IF NOT EXISTS _change_feed_pruned (table_name TEXT PRIMARY KEY, pruned_through INTEGER NOT NULL)`,
];

const OPS: readonly ChangeOp[] = ['insert', 'update', 'delete'];
const triggerName = (table: { name: string }, op: ChangeOp) => ident(`_change_feed_${table.name}_${op}`);

function createTriggers(table: FedTable): string[] {
  const key = (row: 'NEW' | 'OLD') => `json_array(json_array(${table.keyColumns.map((c) => `${row}.${ident(c)}`).join(', ')}))`;
  const keyChanged = table.keyColumns.map((c) => `OLD.${ident(c)} IS NOT NEW.${ident(c)}`).join(' OR ');
  const log = (op: ChangeOp, row: 'NEW' | 'OLD', where = '') =>
    `INSERT INTO _change_feed (table_name, op, keys, at) SELECT ${literal(table.name)}, '${op}', ${key(row)}, ${NOW_MS}${where ? ` WHERE ${where}` : ''};`;
  const body: Record<ChangeOp, string> = {
    insert: log('insert', 'NEW'),
    update: `${log('delete', 'OLD', keyChanged)} ${log('update', 'NEW')}`,
    delete: log('delete', 'OLD'),
  };
  return OPS.map((op) => `CREATE TRIGGER ${triggerName(table, op)} AFTER ${op.toUpperCase()} ON ${ident(table.name)} FOR EACH ROW BEGIN ${body[op]} END`);
}

const dropTriggers = (table: { name: string }) => OPS.map((op) => `DROP TRIGGER IF EXISTS ${triggerName(table, op)}`);

function sqliteFeedMigration(fed: readonly FedTable[], others: readonly TableInfo[]): string[] {
  return [...LOG, ...fed.flatMap((t) => [...dropTriggers(t), ...createTriggers(t)]), ...others.flatMap(dropTriggers)];
}

const num = (value: unknown) => Number(value ?? 0);

async function sqliteFeedRead(db: DatabaseClient, table: string, from: number, limit: number) {
  const rows = await db.execute(sql`
    select coalesce(p.pruned_through, 0) as pruned, c.seq, c.op, c.keys, c.at
    from (select 1) one
    left join _change_feed_pruned p on p.table_name = ${table}
    left join (select seq, op, keys, at from _change_feed where table_name = ${table} and seq >= ${from} order by seq limit ${limit}) c on 1
    order by c.seq`);
  const entries: FeedRow[] = rows.filter((r) => r.seq !== null).map((r) => ({ seq: num(r.seq), op: r.op as ChangeOp, keys: JSON.parse(String(r.keys)) as unknown[][], at: new Date(num(r.at)) }));
  return { rows: entries, prunedThrough: num(rows[0]?.pruned) };
}

async function sqliteFeedBounds(db: DatabaseClient, table: string) {
  const [row] = await db.execute(sql`
    select max(coalesce((select max(seq) from _change_feed), 0), coalesce((select max(pruned_through) from _change_feed_pruned), 0)) as head,
      coalesce((select pruned_through from _change_feed_pruned where table_name = ${table}), 0) as pruned`);
  return { head: num(row?.head), prunedThrough: num(row?.pruned) };
}

async function sqliteCapturedTables(db: DatabaseClient) {
  const rows = await db.execute(sql`select tbl_name as name, group_concat(name) as names from sqlite_master where type = 'trigger' and substr(name, 1, 13) = '_change_feed_' group by tbl_name`);
  return rows.filter((r) => OPS.every((op) => String(r.names).split(',').includes(`_change_feed_${r.name}_${op}`))).map((r) => String(r.name));
}

async function sqliteFeedPrune(db: DatabaseClient, before: Date) {
  return db.transaction(async (tx) => {
    const [mark] = await tx.execute(sql`select coalesce(max(seq), 0) as mark from _change_feed where at < ${before.getTime()}`);
    const watermark = num(mark?.mark);
    await tx.execute(sql`
      insert into _change_feed_pruned (table_name, pruned_through) select table_name, max(seq) from _change_feed where seq <= ${watermark} group by table_name
      on conflict (table_name) do update set pruned_through = max(pruned_through, excluded.pruned_through)`);
    const [gone] = await tx.execute(sql`select count(*) as n from _change_feed where seq <= ${watermark}`);
    await tx.execute(sql`delete from _change_feed where seq <= ${watermark}`);
    return { deleted: num(gone?.n) };
  });
}

export const sqliteFeed: FeedDialect = Object.freeze({ migration: sqliteFeedMigration, read: sqliteFeedRead, bounds: sqliteFeedBounds, capturedTables: sqliteCapturedTables, prune: sqliteFeedPrune });
