/**
 * db:seed: the same seed gives the same rows on every provider, a second run adds nothing, and a seed
 * killed half-way leaves nothing behind so that running it again ends with exactly the planned rows.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase, type DatabaseClient } from '../db';
import { planSeed } from '../db/tools/seed-generator';
import { freshDatabase, scriptEnv, selectedTargets, type TestDatabase } from './support/targets';
import { portable } from './support/portable';

async function counts(db: DatabaseClient): Promise<number[]> {
  const { tables: t, run } = portable(db);
  const out: number[] = [];
  for (const table of [t.authors, t.books, t.users, t.userBooks]) out.push(Number((await run((d) => d.select({ n: count() }).from(table)))[0]!.n));
  return out;
}

/** The seeded rows projected onto natural keys, sorted: equal across providers iff the data is. */
async function projection(db: DatabaseClient) {
  const { tables: t, run } = portable(db);
  const books = await run((d) =>
    d
      .select({ isbn: t.books.isbn, title: t.books.title, genre: t.books.genre, rating: t.books.rating, price: t.books.price, pages: t.books.pages, inStock: t.books.inStock, author: t.authors.name })
      .from(t.books)
      .innerJoin(t.authors, eq(t.authors.id, t.books.authorId))
      .orderBy(t.books.isbn),
  );
  const reading = await run((d) =>
    d
      .select({ email: t.users.email, isbn: t.books.isbn, status: t.userBooks.status, rating: t.userBooks.rating })
      .from(t.userBooks)
      .innerJoin(t.users, eq(t.users.id, t.userBooks.userId))
      .innerJoin(t.books, eq(t.books.id, t.userBooks.bookId))
      .orderBy(t.users.email, t.books.isbn),
  );
  return { books, reading };
}

const plan = planSeed(300, 7);

for (const target of selectedTargets()) {
  describe(`${target.name}: seeding`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await freshDatabase(target);
    });
    afterAll(() => t.cleanup());

    it('writes exactly the planned rows, the same on every provider', async () => {
      const added = await seedDatabase(t.client, { count: 300, seed: 7 });
      expect(added).toEqual({ authors: plan.authors.length, books: 300, users: plan.users.length, userBooks: plan.reading.length });
      const { books, reading } = await projection(t.client);
      const expectedBooks = plan.books
        .map((b) => ({ isbn: b.isbn, title: b.title, genre: b.genre, rating: b.rating, price: b.price, pages: b.pages, inStock: b.inStock ?? true, author: b.authorName }))
        .sort((a, b) => (a.isbn < b.isbn ? -1 : 1));
      expect(books).toEqual(expectedBooks);
      expect(reading.length).toBe(plan.reading.length);
      const sort = (rows: { email: string; isbn: string | null }[]) => rows.map((r) => `${r.email}|${r.isbn}`).sort();
      expect(sort(reading)).toEqual(sort(plan.reading));
    });

    it('a second run adds nothing; --reset starts again', async () => {
      const before = await counts(t.client);
      expect(await seedDatabase(t.client, { count: 300, seed: 7 })).toEqual({ authors: 0, books: 0, users: 0, userBooks: 0 });
      expect(await counts(t.client)).toEqual(before);
      await seedDatabase(t.client, { count: 20, seed: 3, reset: true });
      expect((await counts(t.client))[1]).toBe(20);
    });
  });
}

for (const target of selectedTargets()) {
  describe(`${target.name}: seeding killed half-way`, () => {
    it('leaves nothing behind, and the next run ends with exactly the planned rows', async () => {
      const t = await freshDatabase(target);
      try {
        const url = t.directOverrides.url!;
        const env = scriptEnv(t);
        const child = spawn('npx', ['tsx', 'scripts/seed.ts', '--count', '60000', '--seed', '5'], { env, stdio: 'ignore', detached: true });
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        // Wait until the seed is writing (uncommitted rows on disk or an active INSERT), then kill it hard.
        const writing = async () =>
          t.client.capabilities.family === 'sqlite'
            ? existsSync(`${url}-wal`) && statSync(`${url}-wal`).size > 1_000_000
            : (await t.client.execute(sql`select 1 from pg_stat_activity where state = 'active' and query like 'insert into "books"%'`)).length > 0;
        const deadline = Date.now() + 60_000;
        while (!(await writing())) {
          if (Date.now() > deadline) throw new Error('the seed never started writing');
          await new Promise((r) => setTimeout(r, 20));
        }
        process.kill(-child.pid!, 'SIGKILL');
        expect(await exited).toBeNull();
        expect(await counts(t.client)).toEqual([0, 0, 0, 0]);
        const expected = planSeed(60000, 5);
        await seedDatabase(t.client, { count: 60000, seed: 5 });
        expect(await counts(t.client)).toEqual([expected.authors.length, 60000, expected.users.length, expected.reading.length]);
      } finally {
        await t.cleanup();
      }
    });
  });
}
