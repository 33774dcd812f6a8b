/** bulkCreate of any size: 100,000 rows in one call, one transaction, under every parameter limit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, type Repositories } from '../db';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

const ROWS = 100_000;

for (const target of selectedTargets()) {
  describe(`${target.name}: bulk create`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    beforeAll(async () => {
      t = await freshDatabase(target);
      repos = createRepositories(t.client);
    });
    afterAll(() => t.cleanup());

    it(`writes ${ROWS.toLocaleString('en')} rows in one call, values intact`, async () => {
      const authorId = (await repos.authors.create({ name: 'Bulk' })).id;
      const rows = Array.from({ length: ROWS }, (_, i) => ({
        title: `Bulk "${i}" it's 100% \\ok`,
        authorId,
        isbn: `bulk-${i}`,
        rating: (i % 51) / 10,
        price: i % 7 === 0 ? null : 10.25,
        inStock: i % 2 === 0,
        metadata: i % 1000 === 0 ? { i, tags: ['a', 'b"c'] } : undefined,
        createdAt: i === 5 ? new Date('2001-02-03T04:05:06.789Z') : undefined,
      }));
      expect(await repos.books.bulkCreate(rows)).toEqual({ count: ROWS });
      expect(await repos.books.count()).toBe(ROWS);
      const sample = await repos.books.findFirst({ isbn: 'bulk-1000' });
      expect(sample).toMatchObject({ title: `Bulk "1000" it's 100% \\ok`, rating: (1000 % 51) / 10, price: 10.25, inStock: true, metadata: { i: 1000, tags: ['a', 'b"c'] } });
      const dated = await repos.books.findFirst({ isbn: 'bulk-5' });
      expect(dated!.createdAt).toEqual(new Date('2001-02-03T04:05:06.789Z'));
      expect((await repos.books.findFirst({ isbn: 'bulk-6' }))!.createdAt.getFullYear()).toBeGreaterThan(2020);
      expect(await repos.books.count({ price: { isNull: true } })).toBe(Math.ceil(ROWS / 7));
    });

    it('a duplicate inside the batch writes nothing at all', async () => {
      const before = await repos.books.count();
      const authorId = (await repos.authors.create({ name: 'Dup' })).id;
      const rows = Array.from({ length: 5000 }, (_, i) => ({ title: 'dup', authorId, isbn: `dup-${i === 4999 ? 0 : i}` }));
      await expect(repos.books.bulkCreate(rows)).rejects.toMatchObject({ code: 'UNIQUE_VIOLATION' });
      expect(await repos.books.count()).toBe(before);
    });
  });
}
