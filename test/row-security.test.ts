/**
 * User-scoped access under the Supabase policies (db/policies.supabase.ts): forUser, asAnon and asService
 * on every target with row-level security, once over a direct connection and once through pgbouncer in
 * transaction mode; and a typed error on every target without it. Each hostile attempt must give an empty
 * result or a typed error, with every table's checksum unchanged (read by the table owner).
 */
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAnon, asService, CapabilityError, createRepositories, type DatabaseClient, forUser, NotFoundError, PermissionDeniedError, tableChecksums, ValidationError } from '../db';
import { runSnippet } from './support/readme-snippet';
import { freshDatabase, scriptEnv, selectedTargets, type TestDatabase } from './support/targets';

const targets = selectedTargets();
const withRls = targets.filter((t) => t.capabilities.rowLevelSecurity);

for (const target of targets.filter((t) => !t.capabilities.rowLevelSecurity)) {
  describe(`${target.name}: no row-level security`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await freshDatabase(target, { migrate: false });
    });
    afterAll(() => t?.cleanup());

    it('forUser, asAnon and asService are a CapabilityError naming the capability, never an unscoped handle', () => {
      for (const scope of [() => forUser(t.client, { sub: randomUUID() }), () => asAnon(t.client), () => asService(t.client)]) {
        let thrown: unknown;
        try {
          scope();
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(CapabilityError);
        expect((thrown as CapabilityError).capability).toBe('rowLevelSecurity');
        expect((thrown as Error).message).toContain(`the ${target.provider} provider does not have`);
      }
    });
  });
}

/** Who the handle runs as, and whether that role could bypass row-level security. */
const whoAmI = async (db: DatabaseClient) =>
  (
    await db.execute(sql`select current_user as who, r.rolsuper as superuser, r.rolbypassrls as bypass,
      exists (select 1 from pg_class c where c.relowner = r.oid and c.relnamespace = 'public'::regnamespace) as owner,
      auth.uid()::text as uid
      from pg_roles r where r.rolname = current_user`)
  )[0];

// Registered only for targets with row-level security; with none selected (PROVIDERS) the suite is skipped.
describe.runIf(withRls.length > 0)('row-level security', () => {
  for (const target of withRls) {
    describe(`${target.name}: user-scoped handles`, () => {
      let t: TestDatabase;
      const a = randomUUID();
      const b = randomUUID();
      let bookIds: number[] = [];
      let owner: DatabaseClient;

      beforeAll(async () => {
        t = await freshDatabase(target);
        owner = t.open(t.directOverrides);
        const repos = createRepositories(owner);
        await repos.users.create({ id: a, email: 'a@example.com', name: 'A' });
        await repos.users.create({ id: b, email: 'b@example.com', name: 'B' });
        const author = await repos.authors.create({ name: 'Tove Jansson' });
        bookIds = await Promise.all(['Moominsummer Madness', 'The Summer Book', 'Fair Play'].map(async (title) => (await repos.books.create({ title, authorId: author.id })).id));
        await repos.userBooks.setStatus(a, bookIds[0]!, 'reading');
        await repos.userBooks.setStatus(b, bookIds[1]!, 'read', { rating: 5 });
      });
      afterAll(() => t?.cleanup());

      /** Runs `attempt`, then checks every table is as it was (read as the owner, who sees every row). */
      async function unchangedAfter(attempt: () => Promise<unknown>): Promise<unknown> {
        const before = await tableChecksums(owner);
        let outcome: unknown;
        try {
          outcome = await attempt();
        } catch (error) {
          outcome = error;
        }
        expect(await tableChecksums(owner)).toEqual(before);
        return outcome;
      }

      for (const route of ['direct', 'pooler'] as const) {
        describe(`${route}`, () => {
          let db: DatabaseClient;
          beforeAll(() => {
            db = route === 'direct' ? owner : t.client;
            expect(db.capabilities.transactionPooler).toBe(route === 'pooler');
          });

          it('the user path runs as authenticated with the claims, never as a superuser, table owner or BYPASSRLS role', async () => {
            expect(await whoAmI(forUser(db, { sub: a }))).toEqual({ who: 'authenticated', superuser: false, bypass: false, owner: false, uid: a });
            expect(await whoAmI(asAnon(db))).toEqual({ who: 'anon', superuser: false, bypass: false, owner: false, uid: null });
            // The handle it came from is untouched on its (single) connection: its own role, no claims.
            const single = t.open({ ...(route === 'direct' ? t.directOverrides : t.overrides), poolMax: 1 });
            expect(await whoAmI(forUser(single, { sub: b }))).toMatchObject({ who: 'authenticated', uid: b });
            const plain = await single.execute(sql`select current_user as who, coalesce(current_setting('request.jwt.claims', true), '') as claims`);
            expect(plain[0]!.who).not.toMatch(/^(authenticated|anon)$/);
            expect(plain[0]!.claims).toBe('');
          });

          it("A reads only their own user row and shelf, and never B's", async () => {
            const mine = createRepositories(forUser(db, { sub: a }));
            expect((await mine.users.findMany()).map((u) => u.id)).toEqual([a]);
            expect(await mine.users.findById(b)).toBeNull();
            expect(await mine.users.count()).toBe(1);
            expect((await mine.userBooks.listForUser(a)).map((e) => e.bookId)).toEqual([bookIds[0]]);
            expect(await mine.userBooks.listForUser(b)).toEqual([]);
            expect(await mine.userBooks.count()).toBe(1);
            expect(await mine.books.count()).toBe(3);
          });

          it("A cannot insert for, update, re-own or delete B's rows; B's rows are unchanged", async () => {
            const mine = createRepositories(forUser(db, { sub: a }));
            expect(await unchangedAfter(() => mine.userBooks.create({ userId: b, bookId: bookIds[2]! }))).toBeInstanceOf(PermissionDeniedError);
            expect(await unchangedAfter(() => mine.userBooks.setStatus(b, bookIds[1]!, 'want_to_read'))).toBeInstanceOf(PermissionDeniedError);
            expect(await unchangedAfter(() => mine.userBooks.update({ userId: b, bookId: bookIds[1]! }, { rating: 1 }))).toBeInstanceOf(NotFoundError);
            expect(await unchangedAfter(() => mine.userBooks.hardDelete({ userId: b, bookId: bookIds[1]! }))).toBeInstanceOf(NotFoundError);
            expect(await unchangedAfter(() => mine.users.update(b, { name: 'taken over' }))).toBeInstanceOf(NotFoundError);
            expect(await unchangedAfter(() => mine.users.hardDelete(b))).toBeInstanceOf(NotFoundError);
            // Re-owning: moving A's own entry (or A's user row) to B is refused by the WITH CHECK. Repositories
            // never update a key, so raw SQL on the scoped handle tries it.
            const scoped = forUser(db, { sub: a });
            const reown = await unchangedAfter(() => scoped.execute(sql`update user_books set user_id = ${b} where user_id = ${a}`));
            expect(reown).toBeInstanceOf(PermissionDeniedError);
            expect((reown as Error).message).toContain('row-level security');
            expect(inspect(reown)).not.toContain(b);
            expect(await unchangedAfter(() => scoped.execute(sql`update users set id = ${b} where id = ${a}`))).toBeInstanceOf(PermissionDeniedError);
            // Nor can A delete a user row, even their own: that is the service's job.
            expect(await unchangedAfter(() => mine.users.hardDelete(a))).toBeInstanceOf(NotFoundError);
          });

          it('A writes their own shelf and user row, in one transaction with nested savepoints', async () => {
            const scoped = forUser(db, { sub: a });
            await scoped.transaction(async (tx) => {
              const repos = createRepositories(tx);
              await repos.userBooks.setStatus(a, bookIds[2]!, 'want_to_read');
              await tx.transaction(async (inner) => {
                expect(await whoAmI(inner)).toMatchObject({ who: 'authenticated', uid: a });
                await createRepositories(inner).users.update(a, { name: 'A again' });
              });
            });
            const mine = createRepositories(scoped);
            expect((await mine.userBooks.listForUser(a)).map((e) => e.bookId).sort()).toEqual([bookIds[0], bookIds[2]].sort());
            expect((await mine.users.findById(a))?.name).toBe('A again');
            await mine.userBooks.hardDelete({ userId: a, bookId: bookIds[2]! });
            expect(await mine.userBooks.count()).toBe(1);
          });

          it('anon reads the catalogue, sees no users or shelves, and cannot write books', async () => {
            const anon = createRepositories(asAnon(db));
            expect(await anon.books.count()).toBe(3);
            expect(await anon.authors.count()).toBe(1);
            expect(await anon.users.count()).toBe(0);
            expect(await anon.userBooks.count()).toBe(0);
            const author = (await anon.authors.findMany())[0]!;
            expect(await unchangedAfter(() => anon.books.create({ title: 'Forged', authorId: author.id }))).toBeInstanceOf(PermissionDeniedError);
            expect(await unchangedAfter(() => anon.books.update(bookIds[0]!, { title: 'Defaced' }))).toBeInstanceOf(NotFoundError);
            expect(await unchangedAfter(() => anon.books.hardDelete(bookIds[0]!))).toBeInstanceOf(NotFoundError);
            // A signed-in user cannot write the catalogue either.
            const user = createRepositories(forUser(db, { sub: a }));
            expect(await unchangedAfter(() => user.authors.create({ name: 'Forged' }))).toBeInstanceOf(PermissionDeniedError);
          });

          it('asService is the explicit path past the policies: it sees and writes every row', async () => {
            const service = asService(db);
            expect(await whoAmI(service)).toMatchObject({ who: 'service_role', owner: false });
            const repos = createRepositories(service);
            expect(await repos.users.count()).toBe(2);
            expect(await repos.userBooks.count()).toBe(2);
            const author = await repos.authors.create({ name: 'Written by the service' });
            await repos.authors.hardDelete(author.id);
          });
        });
      }

      it("the README's Supabase example runs as written", () => {
        const run = runSnippet('## Supabase: row-level security', scriptEnv(t));
        expect(run.status, run.stderr).toBe(0);
        expect(run.stdout.trim().split('\n')).toEqual(['1', 'null']);
      });

      it('claims are checked before anything runs, and errors never echo them', async () => {
        const secret = 'tok-9f8e7d';
        const cases: [unknown, string][] = [
          [{ sub: a, role: 'service_role' }, 'role'],
          [{ sub: a, role: 'postgres' }, 'role'],
          [{ sub: a, role: `authenticated; reset role; -- ${secret}` }, 'role'],
          [{ role: 'authenticated' }, 'sub'],
          [{ sub: secret }, 'sub'],
          [{ role: 'anon', sub: a }, 'sub'],
          [{ sub: a, extra: 10n }, 'extra'],
          [{ sub: a, note: `nul\0${secret}` }, 'note'],
          [[a], 'claims'],
          [null, 'claims'],
        ];
        for (const [claims, path] of cases) {
          let thrown: unknown;
          try {
            forUser(t.client, claims as never);
          } catch (error) {
            thrown = error;
          }
          expect(thrown, JSON.stringify(path)).toBeInstanceOf(ValidationError);
          expect((thrown as ValidationError).issues[0]!.path).toBe(path);
          expect(inspect(thrown)).not.toContain(secret);
        }
        // The raw Drizzle client of a scoped handle would run unscoped: refused; its transactions' tx.db is scoped.
        expect(() => forUser(t.client, { sub: a }).db).toThrow(ValidationError);
        const raw = await forUser(t.client, { sub: a }).transaction(async (tx) => (tx.dialect === 'pg' ? Array.from((await tx.db.execute(sql`select current_user as who`)) as Iterable<unknown>) : []));
        expect(raw).toEqual([{ who: 'authenticated' }]);
        // A transaction handle cannot be re-scoped: the scope belongs to the transactions the handle begins.
        await t.client.transaction(async (tx) => {
          expect(() => forUser(tx, { sub: a })).toThrow(ValidationError);
        });
      });

      it('through pgbouncer, claims set for A are never visible to B on the same pooled server connection', async () => {
        const pooled = t.client;
        const seen: { user: string; pid: number; start: string | null; end: string | null }[] = [];
        const users = [a, b];
        // 4 at a time, 80 transactions: pgbouncer hands the same few server connections from user to user.
        for (let round = 0; round < 20; round++) {
          await Promise.all(
            [0, 1, 2, 3].map(async (i) => {
              const user = users[(round + i) % 2]!;
              await forUser(pooled, { sub: user }).transaction(async (tx) => {
                const [start] = await tx.execute(sql`select pg_backend_pid() as pid, auth.uid()::text as uid`);
                await new Promise((r) => setTimeout(r, (round * 7 + i * 3) % 5));
                const [end] = await tx.execute(sql`select auth.uid()::text as uid`);
                seen.push({ user, pid: Number(start!.pid), start: start!.uid as string | null, end: end!.uid as string | null });
              });
            }),
          );
        }
        expect(seen).toHaveLength(80);
        for (const s of seen) expect([s.start, s.end]).toEqual([s.user, s.user]);
        const pidsOf = (user: string) => new Set(seen.filter((s) => s.user === user).map((s) => s.pid));
        const shared = [...pidsOf(a)].filter((pid) => pidsOf(b).has(pid));
        expect(shared.length).toBeGreaterThan(0);
        // Plain queries on the same pooled connections afterwards: no claims, not the user's role.
        const after = await Promise.all(
          Array.from({ length: 16 }, () => pooled.execute(sql`select pg_backend_pid() as pid, current_user as who, coalesce(current_setting('request.jwt.claims', true), '') as claims`)),
        );
        expect(after.map((r) => r[0]!.pid).some((pid) => shared.includes(Number(pid)))).toBe(true);
        for (const [row] of after) expect([row!.who, row!.claims]).not.toContainEqual(expect.stringMatching(/authenticated|sub/));

        // Control, so the check above can fail: a session-level setting (is_local false) does leak to the
        // next client of that server connection.
        const marker = randomUUID();
        await pooled.execute(sql`select set_config('request.jwt.claims', ${JSON.stringify({ sub: marker })}, false)`);
        const leaked = await Promise.all(Array.from({ length: 16 }, () => pooled.execute(sql`select coalesce(auth.uid()::text, '') as uid`)));
        expect(leaked.some(([row]) => row!.uid === marker)).toBe(true);
      });
    });
  }
});
