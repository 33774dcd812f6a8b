/**
 * The change feed on Postgres. Statement-level triggers with transition tables write one log entry per
 * statement (its rows' keys as a jsonb array) with no number yet. A deferred constraint trigger numbers
 * each entry at COMMIT while holding a transaction-level advisory lock: the lock is released only after the
 * commit is visible, so numbers are handed out in commit order and a reader tailing `seq > cursor` can never
 * see a later number before an earlier one is visible. See README, "Change feed".
 */
import { sql } from 'drizzle-orm';
import type { DatabaseClient } from '../../client';
import { type ChangeOp, FEED_CHANNEL, type FeedDialect, type FeedRow } from '../../change-feed/types';
import type { FedTable } from '../../change-feed/tables';
import type { TableInfo } from '../../tables';

/** Arbitrary constant taken by every committing transaction that wrote to a fed table. */
const NUMBERING_LOCK_KEY = 7_270_736_902;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
const qualified = (t: { pgSchema?: string; name: string }) => `${ident(t.pgSchema ?? 'public')}.${ident(t.name)}`;

const LOG = [
  `create schema if not exists change_feed`,
  `create sequence if not exists change_feed.seq`,
  `create table if not exists change_feed.changes (
  id bigint generated always as identity primary key,
  seq bigint,
  table_name text not null,
  op text not null,
  keys jsonb not null,
  at timestamptz
)`,
  `create index if not exists changes_table_seq_idx on change_feed.changes (table_name, seq) where seq is not null`,
  `create index if not exists changes_seq_idx on change_feed.changes (seq) where seq is not null`,
  `create table if not exists change_feed.pruned (table_name text primary key, pruned_through bigint not null)`,
  `create or replace function change_feed.number_at_commit() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  perform pg_advisory_xact_lock(${NUMBERING_LOCK_KEY});
  update change_feed.changes set seq = nextval('change_feed.seq'), at = clock_timestamp() where id = new.id;
  perform pg_notify(${literal(FEED_CHANNEL)}, new.table_name);
  return null;
end $$`,
  `drop trigger if exists number_at_commit on change_feed.changes`,
  `create constraint trigger number_at_commit after insert on change_feed.changes deferrable initially deferred for each row execute function change_feed.number_at_commit()`,
];

/** Keys per log entry: a statement touching more rows writes several entries, so no entry nears jsonb's size limit. */
export const KEYS_PER_ENTRY = 1000;

/** One table's capture function: log entries per statement and op (none when no row changed). */
function captureFunction(table: FedTable): string {
  const keys = (alias: string) => `jsonb_build_array(${table.keyColumns.map((c) => `${alias}.${ident(c)}`).join(', ')})`;
  const sameKey = table.keyColumns.map((c) => `n.${ident(c)} = o.${ident(c)}`).join(' and ');
  const log = (op: ChangeOp, alias: string, from: string) =>
    `insert into change_feed.changes (table_name, op, keys) select ${literal(table.name)}, '${op}', jsonb_agg(k) from (select ${keys(alias)} as k, (row_number() over () - 1) / ${KEYS_PER_ENTRY} as chunk from ${from}) rows group by chunk;`;
  return `create or replace function change_feed.${ident(`capture_${table.name}`)}() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    ${log('insert', 'n', 'new_rows n')}
  elsif tg_op = 'UPDATE' then
    ${log('delete', 'o', `old_rows o where not exists (select 1 from new_rows n where ${sameKey})`)}
    ${log('update', 'n', 'new_rows n')}
  else
    ${log('delete', 'o', 'old_rows o')}
  end if;
  return null;
end $$`;
}

const TRIGGERS = [
  ['insert', 'referencing new table as new_rows'],
  ['update', 'referencing old table as old_rows new table as new_rows'],
  ['delete', 'referencing old table as old_rows'],
] as const;

function dropTriggers(table: { pgSchema?: string; name: string }): string[] {
  return TRIGGERS.map(([op]) => `drop trigger if exists ${ident(`change_feed_${op}`)} on ${qualified(table)}`);
}

function pgFeedMigration(fed: readonly FedTable[], others: readonly TableInfo[]): string[] {
  const capture = fed.flatMap((table) => [
    captureFunction(table),
    ...dropTriggers(table),
    ...TRIGGERS.map(
      ([op, referencing]) =>
        `create trigger ${ident(`change_feed_${op}`)} after ${op} on ${qualified(table)} ${referencing} for each statement execute function change_feed.${ident(`capture_${table.name}`)}()`,
    ),
  ]);
  const stopped = others.flatMap((table) => [...dropTriggers(table), `drop function if exists change_feed.${ident(`capture_${table.name}`)}()`]);
  return [...LOG, ...capture, ...stopped];
}

const num = (value: unknown) => Number(value ?? 0);

async function pgFeedRead(db: DatabaseClient, table: string, from: number, limit: number) {
  const rows = await db.execute(sql`
    select coalesce(p.pruned_through, 0)::text as pruned, c.seq::text as seq, c.op, c.keys::text as keys, (extract(epoch from c.at) * 1000)::float8 as at
    from (select 1) one
    left join change_feed.pruned p on p.table_name = ${table}
    left join lateral (
      select seq, op, keys, at from change_feed.changes
      where table_name = ${table} and seq is not null and seq >= ${from}
      order by seq limit ${limit}
    ) c on true`);
  const entries: FeedRow[] = rows.filter((r) => r.seq !== null).map((r) => ({ seq: num(r.seq), op: r.op as ChangeOp, keys: JSON.parse(String(r.keys)) as unknown[][], at: new Date(num(r.at)) }));
  return { rows: entries, prunedThrough: num(rows[0]?.pruned) };
}

async function pgFeedBounds(db: DatabaseClient, table: string) {
  const [row] = await db.execute(sql`
    select greatest((select max(seq) from change_feed.changes where seq is not null), (select max(pruned_through) from change_feed.pruned), 0)::text as head,
      coalesce((select pruned_through from change_feed.pruned where table_name = ${table}), 0)::text as pruned`);
  return { head: num(row?.head), prunedThrough: num(row?.pruned) };
}

async function pgCapturedTables(db: DatabaseClient) {
  const names = sql.join(
    TRIGGERS.map(([op]) => sql`${`change_feed_${op}`}`),
    sql`, `,
  );
  // Without the log's numbering trigger no entry ever gets a number: then nothing counts as captured.
  const rows = await db.execute(sql`
    select c.relname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
    where not t.tgisinternal and t.tgname in (${names})
      and exists (select 1 from pg_trigger n where n.tgname = 'number_at_commit' and n.tgrelid = to_regclass('change_feed.changes'))
    group by c.relname having count(*) = ${TRIGGERS.length}`);
  return rows.map((r) => String(r.name));
}

async function pgFeedPrune(db: DatabaseClient, before: Date) {
  const [row] = await db.execute(sql`
    with mark as (select max(seq) as seq from change_feed.changes where seq is not null and at < ${before.toISOString()}::timestamptz),
    gone as (delete from change_feed.changes where seq <= (select seq from mark) returning table_name, seq),
    marked as (
      insert into change_feed.pruned (table_name, pruned_through) select table_name, max(seq) from gone group by table_name
      on conflict (table_name) do update set pruned_through = greatest(change_feed.pruned.pruned_through, excluded.pruned_through)
    )
    select count(*)::int as deleted from gone`);
  return { deleted: num(row?.deleted) };
}

export const pgFeed: FeedDialect = Object.freeze({ migration: pgFeedMigration, read: pgFeedRead, bounds: pgFeedBounds, capturedTables: pgCapturedTables, prune: pgFeedPrune });
