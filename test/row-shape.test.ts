/** Rows read back have the same JavaScript shape on every provider. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../db';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';
import { portable } from './support/portable';

const metadata = { tags: ['classic', 'ñandú ☃'], nested: { n: 1.5, ok: true, none: null } };

for (const target of selectedTargets()) {
  describe(`${target.name}: row shape`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await freshDatabase(target);
    });
    afterAll(() => t.cleanup());

    it('returns Date, boolean, object, number and uuid the same way', async () => {
      const { db, tables } = portable(t.client);
      const before = Date.now();
      const [author] = await portable(t.client).run((d) => d.insert(tables.authors).values({ name: 'Octavia E. Butler', birthYear: 1947, metadata }).returning());
      const started = new Date('2024-02-29T12:34:56.789Z');
      const [book] = await portable(t.client).run((d) => d.insert(tables.books).values({ title: 'Kindred', authorId: author!.id, price: 12.9, rating: 4.25, inStock: false, metadata }).returning());
      const [user] = await portable(t.client).run((d) => d.insert(tables.users).values({ email: 'o@example.com' }).returning());
      await portable(t.client).run((d) => d.insert(tables.userBooks).values({ userId: user!.id, bookId: book!.id, status: 'reading', startedAt: started }));

      const [read] = await portable(t.client).run(() => db.select().from(tables.books).where(eq(tables.books.id, book!.id)));
      expect(read).toMatchObject({ title: 'Kindred', authorId: author!.id, price: 12.9, rating: 4.25, inStock: false, metadata, deletedAt: null, genre: null });
      expect(typeof read!.id).toBe('number');
      expect(read!.createdAt).toBeInstanceOf(Date);
      // Database clocks and ours agree within a minute; the default is "now", not 1970 or a string.
      expect(Math.abs(read!.createdAt.getTime() - before)).toBeLessThan(60_000);
      expect(user!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

      const [reading] = await portable(t.client).run(() => db.select().from(tables.userBooks).where(eq(tables.userBooks.userId, user!.id)));
      expect(reading).toMatchObject({ status: 'reading', rating: null, finishedAt: null });
      expect(reading!.startedAt).toEqual(started);
      const [fresh] = await portable(t.client).run(() => db.select().from(tables.books).where(eq(tables.books.id, book!.id)));
      expect(fresh!.inStock).toBe(false);
    });

    it('repositories write explicit NULLs as NULL (prepared create)', async () => {
      const repos = createRepositories(t.client);
      const author = await repos.authors.create({ name: 'Nulls', bio: null, birthYear: null, metadata: null });
      const book = await repos.books.create({ title: 'Null price', authorId: author.id, price: null, rating: null, metadata: null });
      expect(book).toMatchObject({ price: null, rating: null, metadata: null });
      expect(await repos.books.findById(book.id)).toMatchObject({ price: null, rating: null, metadata: null });
      const priced = await repos.books.create({ title: 'Priced', authorId: author.id, price: 12.5 });
      expect(priced.price).toBe(12.5);
    });

    it('applies the column defaults of db/schema.ts', async () => {
      const { tables } = portable(t.client);
      const [author] = await portable(t.client).run((d) => d.insert(tables.authors).values({ name: 'Defaults' }).returning());
      const [book] = await portable(t.client).run((d) => d.insert(tables.books).values({ title: 'Plain', authorId: author!.id }).returning());
      expect(book).toMatchObject({ inStock: true, price: null, metadata: null });
      expect(book!.updatedAt).toBeInstanceOf(Date);
    });
  });
}
