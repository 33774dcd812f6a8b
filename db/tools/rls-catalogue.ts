/**
 * The row-level security catalogue of the exposed schema `public`, read from pg_catalog: every table there
 * (not only the schema's, so a table added by hand is seen too), its RLS switch, its policies, its foreign
 * keys and indexes, and the role a handle runs as. Facts only; rls-check.ts judges them.
 */
import { sql } from 'drizzle-orm';
import type { DatabaseClient } from '../client';
import { requireRowLevelSecurity } from '../row-security';

/** The command a policy applies to, as pg_policies spells it. */
export type PolicyCommand = 'ALL' | 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/** One policy of a table, as pg_policies shows it. */
export interface RlsPolicy {
  name: string;
  command: PolicyCommand;
  /** Role names; `public` means every role. */
  roles: string[];
  /** False for a RESTRICTIVE policy. */
  permissive: boolean;
  /** The USING expression as Postgres prints it (a wrapped call reads `( SELECT auth.uid() AS uid)`), or null. */
  using: string | null;
  /** The WITH CHECK expression, or null (an UPDATE or ALL policy then holds new rows to USING). */
  withCheck: string | null;
}

/** A foreign key or an index of a table: its name and its key columns in order (`''` for an expression). */
export interface RlsKey {
  name: string;
  columns: string[];
}

/** One table of `public` with what row-level security needs to know about it. */
export interface RlsTable {
  name: string;
  owner: string;
  rlsEnabled: boolean;
  /** FORCE ROW LEVEL SECURITY: the owner is held to the policies too. */
  rlsForced: boolean;
  policies: RlsPolicy[];
  foreignKeys: RlsKey[];
  /** Indexes usable for a lookup by their leading columns (partial indexes left out), primary key included. */
  indexes: RlsKey[];
}

/** The role a handle's queries run as, and what lets it past row-level security. */
export interface RoleFacts {
  role: string;
  superuser: boolean;
  bypassRls: boolean;
  /** Tables of `public` whose owner's privileges it has, without FORCE ROW LEVEL SECURITY: policies do not apply to it there. */
  ownsTables: string[];
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
// Lists travel as JSON text so no driver's array parsing is relied on.
const list = (value: unknown): string[] => (JSON.parse(String(value ?? '[]')) as (string | null)[]).map((v) => v ?? '');

/** Every table of the exposed schema `public` with its RLS switch, policies, foreign keys and indexes, by name. */
export async function readRowLevelSecurity(db: DatabaseClient): Promise<RlsTable[]> {
  requireRowLevelSecurity(db, 'readRowLevelSecurity()');
  const tables = await db.execute(sql`
    select c.relname as name, pg_get_userbyid(c.relowner) as owner, c.relrowsecurity as enabled, c.relforcerowsecurity as forced
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`);
  const policies = await db.execute(sql`
    select tablename as table, policyname as name, cmd, permissive, array_to_json(roles)::text as roles, qual, with_check
    from pg_policies where schemaname = 'public' order by tablename, policyname`);
  const foreignKeys = await db.execute(sql`
    select c.relname as table, con.conname as name,
      array_to_json(array(select a.attname from unnest(con.conkey) with ordinality k(attnum, n)
        join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.n))::text as columns
    from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace ns on ns.oid = c.relnamespace
    where ns.nspname = 'public' and con.contype = 'f' order by c.relname, con.conname`);
  const indexes = await db.execute(sql`
    select c.relname as table, i.relname as name,
      array_to_json(array(select a.attname from unnest(x.indkey::int2[]) with ordinality k(attnum, n)
        left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum where k.n <= x.indnkeyatts order by k.n))::text as columns
    from pg_index x join pg_class c on c.oid = x.indrelid join pg_class i on i.oid = x.indexrelid join pg_namespace ns on ns.oid = c.relnamespace
    where ns.nspname = 'public' and x.indpred is null order by c.relname, i.relname`);
  const of = (rows: Record<string, unknown>[], table: string) => rows.filter((r) => r.table === table);
  const key = (r: Record<string, unknown>): RlsKey => ({ name: String(r.name), columns: list(r.columns) });
  return tables.map((t) => {
    const name = String(t.name);
    return {
      name,
      owner: String(t.owner),
      rlsEnabled: t.enabled === true,
      rlsForced: t.forced === true,
      policies: of(policies, name).map((p) => ({
        name: String(p.name),
        command: String(p.cmd) as PolicyCommand,
        roles: list(p.roles),
        permissive: p.permissive === 'PERMISSIVE',
        using: text(p.qual),
        withCheck: text(p.with_check),
      })),
      foreignKeys: of(foreignKeys, name).map(key),
      indexes: of(indexes, name).map(key),
    };
  });
}

/** The role `db`'s queries run as: superuser, BYPASSRLS, and the tables of `public` it owns. */
export async function readRoleFacts(db: DatabaseClient): Promise<RoleFacts> {
  requireRowLevelSecurity(db, 'readRoleFacts()');
  const [row] = await db.execute(sql`
    select current_user as role, r.rolsuper as superuser, r.rolbypassrls as bypass,
      array_to_json(array(select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relforcerowsecurity
          -- a superuser has every role's privileges; count only what it owns itself
          and (c.relowner = r.oid or (not r.rolsuper and pg_has_role(current_user, c.relowner, 'USAGE'))) order by c.relname))::text as owns
    from pg_roles r where r.rolname = current_user`);
  return { role: String(row?.role), superuser: row?.superuser === true, bypassRls: row?.bypass === true, ownsTables: list(row?.owns) };
}
