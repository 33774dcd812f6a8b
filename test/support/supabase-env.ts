// Database creation plus a minimal Supabase-compatible environment (roles, auth schema, grants).
import postgres from 'postgres';
import type { PgServer } from './postgres-server';

const API_ROLES = ['anon', 'authenticated', 'service_role'] as const;

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/** Runs DDL that may race with another worker creating the same cluster-wide object. */
async function ignoreDuplicate(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const code = errorCode(err);
    if (code !== '42710' && code !== '23505') throw err;
  }
}

/** Creates cluster roles anon/authenticated/service_role/authenticator if missing (race-safe). */
export async function ensureSupabaseRoles(server: PgServer): Promise<void> {
  const sql = postgres(server.url('postgres'), { max: 1, onnotice: () => {} });
  try {
    await sql.begin(async (tx) => {
      // advisory locks are per database: all callers use `postgres`, so this serialises them.
      await tx`select pg_advisory_xact_lock(727274)`;
      for (const role of API_ROLES) {
        const [exists] = await tx`select 1 from pg_roles where rolname = ${role}`;
        if (!exists) await ignoreDuplicate(() => tx.unsafe(`create role ${role} nologin noinherit`));
      }
      await tx.unsafe('alter role service_role bypassrls');
      const [auth] = await tx`select 1 from pg_roles where rolname = 'authenticator'`;
      if (!auth) await ignoreDuplicate(() => tx.unsafe(`create role authenticator login noinherit password 'authenticator'`));
      await tx.unsafe(`grant ${API_ROLES.join(', ')} to authenticator`);
    });
  } finally {
    await sql.end();
  }
}

const AUTH_SCHEMA_SQL = `
create schema if not exists auth;
create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), '')::uuid,
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')::uuid
  )
$$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )
$$;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb, '{}'::jsonb)
$$;
grant usage on schema auth to anon, authenticated, service_role;
grant execute on all functions in schema auth to anon, authenticated, service_role;
grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
`;

/** (Re)creates database `name`; with `supabase: true` also installs roles, `auth` schema and grants. */
export async function createDatabase(server: PgServer, name: string, opts: { supabase?: boolean } = {}): Promise<void> {
  const admin = postgres(server.url('postgres'), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name.replace(/"/g, '""')}" with (force)`);
    await admin.unsafe(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  if (!opts.supabase) return;
  await ensureSupabaseRoles(server);
  const db = postgres(server.url(name), { max: 1, onnotice: () => {} });
  try {
    await db.unsafe(AUTH_SCHEMA_SQL);
  } finally {
    await db.end();
  }
}
