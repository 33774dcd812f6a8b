/**
 * A Supabase-compatible environment inside one test database: the anon, authenticated and service_role
 * roles (cluster-wide, created once), an `authenticator` login role, and auth.uid()/auth.role()/auth.jwt()
 * reading the transaction-local `request.jwt.claims` setting, as Supabase does.
 */
import postgres from 'postgres';

const ROLES = `
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit password 'authenticator';
    grant anon, authenticated, service_role to authenticator;
  end if;
exception when duplicate_object or unique_violation then null; -- another worker created them first
end $$`;

const AUTH = `
create schema if not exists auth;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb, '{}'::jsonb)
$$;
create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), auth.jwt() ->> 'sub')::uuid
$$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''), auth.jwt() ->> 'role')
$$;
grant usage on schema auth, public to anon, authenticated, service_role;
grant execute on all functions in schema auth to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;`;

/** Installs the roles (once per cluster) and the auth schema in the database at `url`. */
export async function installSupabaseEnvironment(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await sql.unsafe(ROLES);
        break;
      } catch (error) {
        // Concurrent role creation can also fail with "tuple concurrently updated" (XX000): try again.
        if (attempt >= 3) throw error;
      }
    }
    await sql.unsafe(AUTH);
  } finally {
    await sql.end();
  }
}
