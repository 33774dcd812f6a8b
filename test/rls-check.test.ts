/**
 * The row-level security check (db/tools/rls-check.ts), for every target whose capabilities have RLS: silent
 * on the committed migrations, one finding per mistake planted in a fixture database, the role a handle runs
 * as, and `db:check` exiting 1 with the findings.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapabilityError, checkDatabase, checkRowLevelSecurity, createDatabaseClient, readRoleReport, readRowLevelSecurity, type RlsPolicy, runMigrations, SCHEMA_TABLES } from '../db';
import { judgeRowLevelSecurity, perRowAuthCalls } from '../db/tools/rls-check';
import { freshDatabase, scriptEnv, selectedTargets, type TestDatabase } from './support/targets';

/** One mistake per table (plus a few correct policies next to them that must not be reported). */
const PLANTED = [
  // a table created by hand, never given RLS
  'create table reviews (id integer primary key, body text)',
  // RLS on, no policy
  'create table drafts (id integer primary key)',
  'alter table drafts enable row level security',
  // a policy while RLS is off
  'create table notes (id integer primary key)',
  'create policy notes_read on notes for select to authenticated using (true)',
  // an UPDATE policy without WITH CHECK
  'create table shelves (id integer primary key, owner uuid not null)',
  'alter table shelves enable row level security',
  'create policy shelves_update_own on shelves for update to authenticated using (owner = (select auth.uid()))',
  // auth.uid(), auth.jwt() and auth.role() called per row; the wrapped ones beside them are fine
  'create table messages (id integer primary key, sender uuid not null)',
  'alter table messages enable row level security',
  'create policy messages_select_own on messages for select to authenticated using (sender = auth.uid())',
  `create policy messages_insert_own on messages for insert to authenticated with check (sender = (auth.jwt() ->> 'sub')::uuid)`,
  `create policy messages_delete_own on messages for delete to authenticated using (auth.role() = 'authenticated' and sender = (select auth.uid()))`,
  `create policy messages_update_own on messages for update to authenticated using (sender = (select auth.uid())) with check (sender = (select (auth.jwt() ->> 'sub')::uuid))`,
  // two permissive SELECT policies for authenticated
  'create table tags (id integer primary key)',
  'alter table tags enable row level security',
  'create policy tags_read on tags for select to authenticated using (true)',
  'create policy tags_read_again on tags for select to anon, authenticated using (true)',
  // a SELECT policy for every role (public) and a FOR ALL policy for authenticated overlap on SELECT
  'create table labels (id integer primary key)',
  'alter table labels enable row level security',
  'create policy labels_read on labels for select using (true)',
  'create policy labels_write on labels for all to authenticated using (true) with check (true)',
  // book_id is only the second column of an index; user_id leads one
  'create table loans (id integer primary key, book_id integer not null references books(id), user_id uuid not null references users(id))',
  'create index loans_user_book_idx on loans (user_id, book_id)',
  'alter table loans enable row level security',
  'create policy loans_read on loans for select to authenticated using (true)',
];

/** What the check says about PLANTED, line by line. */
const EXPECTED = [
  'table reviews has row-level security off: every role with a grant on it (anon included) reads and writes every row; fix: alter table public.reviews enable row level security, then create a policy for each role and action that should reach it',
  'table drafts has row-level security on but no policy: no role that is held to RLS reads or writes a row; fix: create a policy for each role and action that should reach it',
  'policy notes_read on table notes does nothing: the table has row-level security off; fix: alter table public.notes enable row level security',
  'policy shelves_update_own on table shelves allows UPDATE (for update) without a WITH CHECK: an updated row is held only implicitly to its USING; fix: add with check (…) saying what an updated row must satisfy, e.g. the owner column = (select auth.uid()), so a user cannot hand a row to someone else',
  'policy messages_select_own on table messages calls auth.uid() once per row (in USING); fix: write (select auth.uid()) so Postgres evaluates it once per statement',
  'policy messages_insert_own on table messages calls auth.jwt() once per row (in WITH CHECK); fix: write (select auth.jwt()) so Postgres evaluates it once per statement',
  'policy messages_delete_own on table messages calls auth.role() once per row (in USING); fix: write (select auth.role()) so Postgres evaluates it once per statement',
  'table tags has 2 permissive policies for role authenticated and SELECT: tags_read, tags_read_again; Postgres evaluates each of them for every row; fix: merge them into one policy per role and action (join their conditions with or), or narrow a for all policy to the commands it is meant for',
  'table labels has 2 permissive policies for role authenticated and SELECT: labels_read, labels_write; Postgres evaluates each of them for every row; fix: merge them into one policy per role and action (join their conditions with or), or narrow a for all policy to the commands it is meant for',
  'foreign key loans_book_id_fkey on table loans (book_id) has no index starting with its columns: deleting or updating a referenced row scans loans; fix: create index on public.loans (book_id)',
];

const ROOT = fileURLToPath(new URL('..', import.meta.url));

it('refuses a handle without row-level security with a CapabilityError', async () => {
  const db = createDatabaseClient('sqlite', { url: ':memory:' });
  try {
    await expect(checkRowLevelSecurity(db)).rejects.toThrow(CapabilityError);
    await expect(readRowLevelSecurity(db)).rejects.toMatchObject({ code: 'CAPABILITY', capability: 'rowLevelSecurity' });
    await runMigrations(db);
    expect(await checkDatabase(db)).toEqual([]); // checkDatabase asks only handles that have RLS
  } finally {
    await db.close();
  }
});

describe('judging policies as Postgres prints them', () => {
  it('a call inside a sub-select runs once; one outside, or in a string that looks like a sub-select, runs per row', () => {
    expect(perRowAuthCalls('(user_id = ( SELECT auth.uid() AS uid))')).toEqual([]);
    expect(perRowAuthCalls("(( SELECT (auth.jwt() ->> 'role'::text)) = 'admin'::text)")).toEqual([]);
    expect(perRowAuthCalls("((auth.jwt() ->> 'sub'::text) = '( SELECT ('::text) OR (auth.uid() = owner) OR (auth.uid() IS NULL)")).toEqual(['auth.jwt()', 'auth.uid()']);
    expect(perRowAuthCalls(null)).toEqual([]);
  });

  const policy = (name: string, command: RlsPolicy['command'], roles: string[], extra: Partial<RlsPolicy> = {}): RlsPolicy => ({
    name,
    command,
    roles,
    permissive: true,
    using: 'true',
    withCheck: command === 'SELECT' || command === 'DELETE' ? null : 'true',
    ...extra,
  });
  const table = (...policies: RlsPolicy[]) => [{ name: 't', owner: 'o', rlsEnabled: true, rlsForced: false, policies, foreignKeys: [], indexes: [] }];
  const kinds = (...policies: RlsPolicy[]) => judgeRowLevelSecurity(table(...policies)).map((f) => `${f.kind} ${f.policies.join(',')}`);

  it('a FOR ALL policy without WITH CHECK allows UPDATE without one', () => {
    expect(kinds(policy('a', 'ALL', ['authenticated'], { withCheck: null }))).toEqual(['update-without-check a']);
  });

  it('two policies for every role (public) overlap; a restrictive one and other roles or actions do not', () => {
    expect(kinds(policy('a', 'SELECT', ['public']), policy('b', 'SELECT', ['public']))).toEqual(['overlapping-permissive a,b']);
    expect(judgeRowLevelSecurity(table(policy('a', 'SELECT', ['public']), policy('b', 'SELECT', ['public'])))[0]!.problem).toContain('for role public and SELECT');
    expect(kinds(policy('a', 'SELECT', ['public']), policy('b', 'SELECT', ['anon'], { permissive: false }))).toEqual([]);
    expect(kinds(policy('a', 'SELECT', ['anon']), policy('b', 'SELECT', ['authenticated']), policy('c', 'INSERT', ['anon']))).toEqual([]);
    expect(kinds(policy('a', 'ALL', ['service_role']), policy('b', 'UPDATE', ['service_role', 'anon']))).toEqual(['overlapping-permissive a,b']);
  });
});

const applicable = selectedTargets().filter((t) => t.capabilities.rowLevelSecurity);
// Registered for the targets whose capabilities have RLS; with none selected (PROVIDERS) the suite is skipped.
describe.runIf(applicable.length > 0)('row-level security check', () => {
  for (const target of applicable) {
    describe(`${target.name}: row-level security check`, () => {
      let clean: TestDatabase;
      let planted: TestDatabase;
      beforeAll(async () => {
        [clean, planted] = await Promise.all([freshDatabase(target), freshDatabase(target)]);
        const admin = planted.open(planted.directOverrides);
        for (const statement of PLANTED) await admin.execute(sql.raw(statement));
      });
      afterAll(() => Promise.all([clean?.cleanup(), planted?.cleanup()]));

      it('the catalogue shows RLS on and a policy on every table of the schema; no finding on the committed migrations', async () => {
        const catalogue = await readRowLevelSecurity(clean.client);
        expect(catalogue.map((t) => t.name).sort()).toEqual(SCHEMA_TABLES.map((t) => t.name).sort());
        for (const table of catalogue) {
          expect(table.rlsEnabled, table.name).toBe(true);
          expect(table.policies.length, table.name).toBeGreaterThan(0);
        }
        // A wrapped call is printed as a sub-select, which is what the per-row check relies on.
        const own = catalogue.find((t) => t.name === 'users')!.policies.find((p) => p.name === 'users_update_own')!;
        expect(own).toMatchObject({ command: 'UPDATE', roles: ['authenticated'], permissive: true, using: expect.stringContaining('( SELECT auth.uid() AS uid)') });
        expect((await checkRowLevelSecurity(clean.client)).findings).toEqual([]);
        expect(await checkDatabase(clean.client)).toEqual([]);
      });

      it('reports each planted mistake once, naming the table, the policy and the fix', async () => {
        const { findings } = await checkRowLevelSecurity(planted.client);
        expect(findings.map((f) => f.message).sort()).toEqual([...EXPECTED].sort());
        expect(findings.map((f) => [f.kind, f.table, f.policies.join(',')]).sort()).toEqual(
          [
            ['rls-off', 'reviews', ''],
            ['no-policy', 'drafts', ''],
            ['policy-without-rls', 'notes', 'notes_read'],
            ['update-without-check', 'shelves', 'shelves_update_own'],
            ['per-row-auth-call', 'messages', 'messages_select_own'],
            ['per-row-auth-call', 'messages', 'messages_insert_own'],
            ['per-row-auth-call', 'messages', 'messages_delete_own'],
            ['overlapping-permissive', 'tags', 'tags_read,tags_read_again'],
            ['overlapping-permissive', 'labels', 'labels_read,labels_write'],
            ['unindexed-foreign-key', 'loans', ''],
          ].sort(),
        );
        const problems = await checkDatabase(planted.client);
        expect(problems.sort()).toEqual(EXPECTED.map((line) => `${target.provider}: ${line}`).sort());
      });

      it('says the test login is a superuser and warns; a role held to RLS gets no warning until it owns a table', async () => {
        const superuser = await readRoleReport(clean.client);
        // The test login is the cluster's bootstrap superuser, which also has BYPASSRLS.
        expect(superuser).toMatchObject({ superuser: true, bypassRls: true, bypassesRls: true, ownsTables: SCHEMA_TABLES.map((t) => t.name).sort() });
        expect(superuser.summary).toBe(`the handle runs as ${superuser.role}, which bypasses row-level security (superuser; BYPASSRLS; owner of ${superuser.ownsTables.join(', ')})`);
        expect(superuser.warning).toMatch(/^queries through this handle see and change every row/);

        // Roles are cluster-wide: a random name, dropped again whatever happens.
        const role = `rls_check_${randomBytes(4).toString('hex')}`;
        const password = randomBytes(12).toString('hex');
        const admin = planted.open(planted.directOverrides);
        await admin.execute(sql.raw(`create role ${role} login password '${password}'`));
        try {
          const url = new URL(planted.directOverrides.url!);
          url.username = role;
          url.password = password;
          const user = createDatabaseClient(target.provider, { url: url.href, directUrl: url.href });
          try {
            expect(await readRoleReport(user)).toEqual({
              role,
              superuser: false,
              bypassRls: false,
              ownsTables: [],
              bypassesRls: false,
              summary: `the handle runs as ${role}, which is held to row-level security`,
              warning: undefined,
            });
            await admin.execute(sql.raw(`alter table reviews owner to ${role}`));
            await admin.execute(sql.raw(`alter table notes owner to ${role}`));
            await admin.execute(sql.raw('alter table notes force row level security'));
            const owner = await readRoleReport(user);
            expect(owner).toMatchObject({ ownsTables: ['reviews'], bypassesRls: true, summary: `the handle runs as ${role}, which bypasses row-level security (owner of reviews)` });
            expect(owner.warning).toBeDefined();
          } finally {
            await user.close();
          }
        } finally {
          await admin.execute(sql.raw('alter table reviews owner to current_user'));
          await admin.execute(sql.raw('alter table notes owner to current_user'));
          await admin.execute(sql.raw('alter table notes no force row level security'));
          await admin.execute(sql.raw(`drop owned by ${role}`));
          await admin.execute(sql.raw(`drop role ${role}`));
        }
      });

      describe('npm run db:check', () => {
        let sqliteDir: string;
        let sqlitePath: string;
        beforeAll(async () => {
          // The script checks every configured provider; give the SQLite default a migrated file of its own.
          sqliteDir = mkdtempSync(join(tmpdir(), 'rls-check-sqlite-'));
          sqlitePath = join(sqliteDir, 'app.db');
          const sqlite = createDatabaseClient('sqlite', { url: sqlitePath });
          try {
            await runMigrations(sqlite);
          } finally {
            await sqlite.close();
          }
        });
        afterAll(() => rmSync(sqliteDir, { recursive: true, force: true }));
        const run = (t: TestDatabase) => {
          const result = spawnSync('npx', ['tsx', 'scripts/check.ts'], { cwd: ROOT, env: { ...scriptEnv(t), SQLITE_PATH: sqlitePath }, encoding: 'utf8' });
          return { status: result.status, out: result.stdout, err: result.stderr };
        };

        it('on the committed migrations: exit 0, the role line and the bypass warning', () => {
          const r = run(clean);
          expect(r.status, r.out + r.err).toBe(0);
          expect(r.out).toMatch(
            new RegExp(`^${target.provider}: the handle runs as \\S+, which bypasses row-level security \\(superuser; BYPASSRLS; owner of authors, books, user_books, users\\)$`, 'm'),
          );
          expect(r.err).toMatch(new RegExp(`^${target.provider}: warning: queries through this handle see and change every row`, 'm'));
          expect(r.out).toContain('db:check: schema, migrations and databases agree');
        });

        it('on the fixture: exit 1 and one line per finding', () => {
          const r = run(planted);
          expect(r.status, r.out + r.err).toBe(1);
          expect(r.out).toContain(`db:check found ${EXPECTED.length} problem(s):`);
          for (const line of EXPECTED) expect(r.out).toContain(`  - ${target.provider}: ${line}\n`);
        });
      });
    });
  }
});
