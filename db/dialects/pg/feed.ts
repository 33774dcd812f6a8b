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
  `create table if not exists change_feed.state (id boolean primary key default true check (id), pruned_through bigint not null default 0)`,
  `insert into change_feed.state default values on conflict do nothing`,
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

/** One table's capture function: an insert into the log per statement and op, skipped when no row changed. */
function captureFunction(table: FedTable): string {
  const keys = (alias: string) => `jsonb_agg(jsonb_build_array(${table.keyColumns.map((c) => `${alias}.${ident(c)}`).join(', ')}))`;
  const sameKey = table.keyColumns.map((c) => `n.${ident(c)} = o.${ident(c)}`).join(' and ');
  const log = (op: ChangeOp, from: string) => `insert into change_feed.changes (table_name, op, keys) select ${literal(table.name)}, '${op}', ${from} having count(*) > 0;`;
  return `create or replace function change_feed.${ident(`capture_${table.name}`)}() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    ${log('insert', `${keys('n')} from new_rows n`)}
  elsif tg_op = 'UPDATE' then
    ${log('delete', `${keys('o')} from old_rows o where not exists (select 1 from new_rows n where ${sameKey})`)}
    ${log('update', `${keys('n')} from new_rows n`)}
  else
    ${log('delete', `${keys('o')} from old_rows o`)}
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
    select s.pruned_through::text as pruned, c.seq::text as seq, c.op, c.keys::text as keys, (extract(epoch from c.at) * 1000)::float8 as at
    from change_feed.state s
    left join lateral (
      select seq, op, keys, at from change_feed.changes
      where table_name = ${table} and seq is not null and seq >= ${from}
      order by seq limit ${limit}
    ) c on true`);
  const entries: FeedRow[] = rows.filter((r) => r.seq !== null).map((r) => ({ seq: num(r.seq), op: r.op as ChangeOp, keys: JSON.parse(String(r.keys)) as unknown[][], at: new Date(num(r.at)) }));
  return { rows: entries, prunedThrough: num(rows[0]?.pruned) };
}

async function pgFeedBounds(db: DatabaseClient) {
  const [row] = await db.execute(sql`
    select greatest(coalesce((select max(seq) from change_feed.changes where seq is not null), 0), pruned_through)::text as head, pruned_through::text as pruned
    from change_feed.state`);
  return { head: num(row?.head), prunedThrough: num(row?.pruned) };
}

async function pgCapturedTables(db: DatabaseClient) {
  const names = TRIGGERS.map(([op]) => `change_feed_${op}`);
  const rows = await db.execute(sql`
    select c.relname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
    where not t.tgisinternal and t.tgname in (${sql.join(
      names.map((n) => sql`${n}`),
      sql`, `,
    )})
    group by c.relname having count(*) = ${names.length}`);
  return rows.map((r) => String(r.name));
}

async function pgFeedPrune(db: DatabaseClient, before: Date) {
  return db.transaction(async (tx) => {
    const [mark] = await tx.execute(sql`select coalesce(max(seq), 0)::text as mark from change_feed.changes where seq is not null and at < ${before.toISOString()}::timestamptz`);
    const watermark = num(mark?.mark);
    const [gone] = await tx.execute(sql`with gone as (delete from change_feed.changes where seq <= ${watermark} returning 1) select count(*)::int as n from gone`);
    const [state] = await tx.execute(sql`update change_feed.state set pruned_through = greatest(pruned_through, ${watermark}) returning pruned_through::text as pruned`);
    return { deleted: num(gone?.n), prunedThrough: num(state?.pruned) };
  });
}

export const pgFeed: FeedDialect = Object.freeze({ migration: pgFeedMigration, read: pgFeedRead, bounds: pgFeedBounds, capturedTables: pgCapturedTables, prune: pgFeedPrune });
