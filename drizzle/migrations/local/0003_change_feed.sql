-- change feed dbfa45fd786a8989: authors, books, user_books
create schema if not exists change_feed
--> statement-breakpoint
create sequence if not exists change_feed.seq
--> statement-breakpoint
create table if not exists change_feed.changes (
  id bigint generated always as identity primary key,
  seq bigint,
  table_name text not null,
  op text not null,
  keys jsonb not null,
  at timestamptz
)
--> statement-breakpoint
create index if not exists changes_table_seq_idx on change_feed.changes (table_name, seq) where seq is not null
--> statement-breakpoint
create index if not exists changes_seq_idx on change_feed.changes (seq) where seq is not null
--> statement-breakpoint
create table if not exists change_feed.pruned (table_name text primary key, pruned_through bigint not null)
--> statement-breakpoint
create or replace function change_feed.number_at_commit() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  perform pg_advisory_xact_lock(7270736902);
  update change_feed.changes set seq = nextval('change_feed.seq'), at = clock_timestamp() where id = new.id;
  perform pg_notify('change_feed', new.table_name);
  return null;
end $$
--> statement-breakpoint
drop trigger if exists number_at_commit on change_feed.changes
--> statement-breakpoint
create constraint trigger number_at_commit after insert on change_feed.changes deferrable initially deferred for each row execute function change_feed.number_at_commit()
--> statement-breakpoint
create or replace function change_feed."capture_authors"() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    insert into change_feed.changes (table_name, op, keys) select 'authors', 'insert', jsonb_agg(k) from (select jsonb_build_array(n."id") as k, (row_number() over () - 1) / 1000 as chunk from new_rows n) rows group by chunk;
  elsif tg_op = 'UPDATE' then
    insert into change_feed.changes (table_name, op, keys) select 'authors', 'delete', jsonb_agg(k) from (select jsonb_build_array(o."id") as k, (row_number() over () - 1) / 1000 as chunk from old_rows o where not exists (select 1 from new_rows n where n."id" = o."id")) rows group by chunk;
    insert into change_feed.changes (table_name, op, keys) select 'authors', 'update', jsonb_agg(k) from (select jsonb_build_array(n."id") as k, (row_number() over () - 1) / 1000 as chunk from new_rows n) rows group by chunk;
  else
    insert into change_feed.changes (table_name, op, keys) select 'authors', 'delete', jsonb_agg(k) from (select jsonb_build_array(o."id") as k, (row_number() over () - 1) / 1000 as chunk from old_rows o) rows group by chunk;
  end if;
  return null;
end $$
--> statement-breakpoint
drop trigger if exists "change_feed_insert" on "public"."authors"
--> statement-breakpoint
drop trigger if exists "change_feed_update" on "public"."authors"
--> statement-breakpoint
drop trigger if exists "change_feed_delete" on "public"."authors"
--> statement-breakpoint
create trigger "change_feed_insert" after insert on "public"."authors" referencing new table as new_rows for each statement execute function change_feed."capture_authors"()
--> statement-breakpoint
create trigger "change_feed_update" after update on "public"."authors" referencing old table as old_rows new table as new_rows for each statement execute function change_feed."capture_authors"()
--> statement-breakpoint
create trigger "change_feed_delete" after delete on "public"."authors" referencing old table as old_rows for each statement execute function change_feed."capture_authors"()
--> statement-breakpoint
create or replace function change_feed."capture_books"() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    insert into change_feed.changes (table_name, op, keys) select 'books', 'insert', jsonb_agg(k) from (select jsonb_build_array(n."id") as k, (row_number() over () - 1) / 1000 as chunk from new_rows n) rows group by chunk;
  elsif tg_op = 'UPDATE' then
    insert into change_feed.changes (table_name, op, keys) select 'books', 'delete', jsonb_agg(k) from (select jsonb_build_array(o."id") as k, (row_number() over () - 1) / 1000 as chunk from old_rows o where not exists (select 1 from new_rows n where n."id" = o."id")) rows group by chunk;
    insert into change_feed.changes (table_name, op, keys) select 'books', 'update', jsonb_agg(k) from (select jsonb_build_array(n."id") as k, (row_number() over () - 1) / 1000 as chunk from new_rows n) rows group by chunk;
  else
    insert into change_feed.changes (table_name, op, keys) select 'books', 'delete', jsonb_agg(k) from (select jsonb_build_array(o."id") as k, (row_number() over () - 1) / 1000 as chunk from old_rows o) rows group by chunk;
  end if;
  return null;
end $$
--> statement-breakpoint
drop trigger if exists "change_feed_insert" on "public"."books"
--> statement-breakpoint
drop trigger if exists "change_feed_update" on "public"."books"
--> statement-breakpoint
drop trigger if exists "change_feed_delete" on "public"."books"
--> statement-breakpoint
create trigger "change_feed_insert" after insert on "public"."books" referencing new table as new_rows for each statement execute function change_feed."capture_books"()
--> statement-breakpoint
create trigger "change_feed_update" after update on "public"."books" referencing old table as old_rows new table as new_rows for each statement execute function change_feed."capture_books"()
--> statement-breakpoint
create trigger "change_feed_delete" after delete on "public"."books" referencing old table as old_rows for each statement execute function change_feed."capture_books"()
--> statement-breakpoint
create or replace function change_feed."capture_user_books"() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    insert into change_feed.changes (table_name, op, keys) select 'user_books', 'insert', jsonb_agg(k) from (select jsonb_build_array(n."user_id", n."book_id") as k, (row_number() over () - 1) / 1000 as chunk from new_rows n) rows group by chunk;
  elsif tg_op = 'UPDATE' then
    insert into change_feed.changes (table_name, op, keys) select 'user_books', 'delete', jsonb_agg(k) from (select jsonb_build_array(o."user_id", o."book_id") as k, (row_number() over () - 1) / 1000 as chunk from old_rows o where not exists (select 1 from new_rows n where n."user_id" = o."user_id" and n."book_id" = o."book_id")) rows group by chunk;
    insert into change_feed.changes (table_name, op, keys) select 'user_books', 'update', jsonb_agg(k) from (select jsonb_build_array(n."user_id", n."book_id") as k, (row_number() over () - 1) / 1000 as chunk from new_rows n) rows group by chunk;
  else
    insert into change_feed.changes (table_name, op, keys) select 'user_books', 'delete', jsonb_agg(k) from (select jsonb_build_array(o."user_id", o."book_id") as k, (row_number() over () - 1) / 1000 as chunk from old_rows o) rows group by chunk;
  end if;
  return null;
end $$
--> statement-breakpoint
drop trigger if exists "change_feed_insert" on "public"."user_books"
--> statement-breakpoint
drop trigger if exists "change_feed_update" on "public"."user_books"
--> statement-breakpoint
drop trigger if exists "change_feed_delete" on "public"."user_books"
--> statement-breakpoint
create trigger "change_feed_insert" after insert on "public"."user_books" referencing new table as new_rows for each statement execute function change_feed."capture_user_books"()
--> statement-breakpoint
create trigger "change_feed_update" after update on "public"."user_books" referencing old table as old_rows new table as new_rows for each statement execute function change_feed."capture_user_books"()
--> statement-breakpoint
create trigger "change_feed_delete" after delete on "public"."user_books" referencing old table as old_rows for each statement execute function change_feed."capture_user_books"()
--> statement-breakpoint
drop trigger if exists "change_feed_insert" on "public"."users"
--> statement-breakpoint
drop trigger if exists "change_feed_update" on "public"."users"
--> statement-breakpoint
drop trigger if exists "change_feed_delete" on "public"."users"
--> statement-breakpoint
drop function if exists change_feed."capture_users"()
