/** Keyset cursors: every live row exactly once, in order, with ties and inserts during the walk. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, ValidationError, type Book, type Repositories } from '../db';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

const ROWS = 1000;

for (const target of selectedTargets()) {
  describe(`${target.name}: cursor pagination`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    let authorId: number;

    beforeAll(async () => {
      t = await freshDatabase(target);
      repos = createRepositories(t.client);
      authorId = (await repos.authors.create({ name: 'Prolific' })).id;
      // Ten distinct ratings (and NULLs) for 1,000 rows: many ties, so the key must break them.
      const rows = Array.from({ length: ROWS }, (_, i) => ({
        title: `Book ${String(i).padStart(4, '0')}`,
        authorId,
        genre: i % 3 === 0 ? 'Fantasy' : 'Poetry',
        rating: i % 11 === 10 ? null : (i % 11) / 2,
      }));
      expect(await repos.books.bulkCreate(rows)).toEqual({ count: ROWS });
      await repos.books.softDelete((await repos.books.findFirst({ title: 'Book 0005' }))!.id);
    });
    afterAll(() => t.cleanup());

    async function walk(orderBy: Parameters<Repositories['books']['findWithCursor']>[0], onPage?: (page: number) => Promise<void>): Promise<Book[]> {
      const seen: Book[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 200; page++) {
        const result = await repos.books.findWithCursor({ ...orderBy, cursor, limit: 37 });
        seen.push(...result.items);
        await onPage?.(page);
        cursor = result.nextCursor;
        if (!cursor) return seen;
      }
      throw new Error('cursor walk did not end');
    }

    it('walks every live row exactly once, in the requested order (rating desc, NULLs first)', async () => {
      const seen = await walk({ orderBy: { field: 'rating', direction: 'desc' } });
      expect(seen.length).toBe(ROWS - 1);
      expect(new Set(seen.map((b) => b.id)).size).toBe(ROWS - 1);
      const expected = await repos.books.findMany({ orderBy: { field: 'rating', direction: 'desc' }, pagination: { limit: 1000 } });
      expect(seen.map((b) => b.id)).toEqual(expected.map((b) => b.id));
      expect(seen[0]!.rating).toBeNull();
      expect(seen.at(-1)!.rating).toBe(0);
    });

    // Each shape takes another path through keyset.ts: NOT NULL or nullable first column, either direction,
    // runs of equal values crossed mid-page, NULLs first or last, mixed directions.
    const ORDERS = [
      { field: 'rating', direction: 'asc' },
      { field: 'title', direction: 'desc' },
      [
        { field: 'genre', direction: 'desc' },
        { field: 'rating', direction: 'asc' },
      ],
      [
        { field: 'rating', direction: 'asc' },
        { field: 'title', direction: 'desc' },
      ],
      [
        { field: 'inStock', direction: 'asc' },
        { field: 'rating', direction: 'desc' },
        { field: 'genre', direction: 'asc' },
      ],
    ] as const;
    for (const orderBy of ORDERS) {
      it(`walks every live row exactly once, in findMany's order: ${JSON.stringify(orderBy)}`, async () => {
        const seen = await walk({ orderBy: orderBy as never });
        const expected = await repos.books.findMany({ orderBy: orderBy as never, pagination: { limit: 1000 } });
        expect(expected).toHaveLength(ROWS - 1);
        expect(seen.map((b) => b.id)).toEqual(expected.map((b) => b.id));
      });
    }

    it('is stable when rows are inserted mid-walk: earlier pages neither shift nor repeat', async () => {
      const filters = { genre: 'Fantasy' };
      const before = await repos.books.count(filters);
      let inserted = 0;
      const seen: Book[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<Repositories['books']['findWithCursor']>> = await repos.books.findWithCursor({
          filters,
          orderBy: [{ field: 'rating' }, { field: 'title', direction: 'desc' }],
          cursor,
          limit: 25,
        });
        seen.push(...page.items);
        cursor = page.nextCursor;
        // Rows that sort before the cursor (rating 0) must not appear; rows after it (rating 5) must.
        await repos.books.create({ title: `Inserted low ${inserted}`, authorId, genre: 'Fantasy', rating: 0 });
        await repos.books.create({ title: `Inserted high ${inserted}`, authorId, genre: 'Fantasy', rating: 5 });
        inserted++;
      } while (cursor);
      const ids = seen.map((b) => b.id);
      expect(new Set(ids).size).toBe(ids.length);
      const originals = seen.filter((b) => b.title.startsWith('Book '));
      expect(originals.length).toBe(before);
      const ratings = seen.map((b) => b.rating ?? Number.POSITIVE_INFINITY);
      expect([...ratings].sort((a, b) => a - b)).toEqual(ratings);
      expect(seen.filter((b) => b.title.startsWith('Inserted high')).length).toBeGreaterThan(0);
      expect(seen.filter((b) => b.title.startsWith('Inserted low')).length).toBe(0);
    });

    it('rejects a tampered cursor or one made for another order', async () => {
      const first = await repos.books.findWithCursor({ orderBy: { field: 'title' }, limit: 5 });
      expect(first.nextCursor).toBeTruthy();
      await expect(repos.books.findWithCursor({ orderBy: { field: 'rating' }, cursor: first.nextCursor })).rejects.toBeInstanceOf(ValidationError);
      await expect(repos.books.findWithCursor({ cursor: "x' or 1=1 --" })).rejects.toBeInstanceOf(ValidationError);
      const forged = Buffer.from(JSON.stringify({ f: ['title:asc', 'id:asc'], v: [{ evil: 1 }, 1] })).toString('base64url');
      await expect(repos.books.findWithCursor({ orderBy: { field: 'title' }, cursor: forged })).rejects.toBeInstanceOf(ValidationError);
    });
  });
}
