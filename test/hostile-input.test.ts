/** Hostile strings in values, filters, search and sort fields: matched literally or refused, never run. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, ValidationError, type Repositories } from '../db';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';
import { portable } from './support/portable';

const HOSTILE = ['O\'Brien\'s "quoted" book', '100% pure_fun', 'back\\slash \\% \\_', "'); drop table books; --", 'Robert"); DELETE FROM authors WHERE ("1"="1', 'ünïcödé ☃ 書籍 🚀', '%', '_'];

for (const target of selectedTargets()) {
  describe(`${target.name}: hostile input`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    let canary: () => Promise<unknown[]>;

    beforeAll(async () => {
      t = await freshDatabase(target);
      repos = createRepositories(t.client);
      const authorId = (await repos.authors.create({ name: 'Canary' })).id;
      for (const title of HOSTILE) await repos.books.create({ title, authorId, genre: title });
      await repos.books.create({ title: 'plain title', authorId, genre: 'plain' });
      canary = () => t.client.execute(sql`select id, name from ${portable(t.client).tables.authors} order by id`);
    });
    afterAll(() => t.cleanup());

    it('stores and reads hostile strings unchanged', async () => {
      const titles = (await repos.books.findMany({ orderBy: { field: 'id' }, pagination: { limit: 100 } })).map((b) => b.title);
      expect(titles).toEqual([...HOSTILE, 'plain title']);
    });

    it('equality and contains match them literally (%, _ and \\ are not wildcards)', async () => {
      for (const value of HOSTILE) {
        expect(await repos.books.count({ title: value }), value).toBe(1);
        const hits = await repos.books.findMany({ filters: { title: { contains: value } } });
        expect(
          hits.map((b) => b.title),
          value,
        ).toContain(value);
        expect(
          hits.every((b) => b.title.toLowerCase().includes(value.toLowerCase())),
          value,
        ).toBe(true);
      }
      expect(await repos.books.count({ title: { contains: '%' } })).toBe(3);
      expect(await repos.books.count({ title: { contains: '_' } })).toBe(3);
      expect(await repos.books.count({ search: '\\' })).toBe(1);
      expect(await repos.books.count({ title: { startsWith: "'" } })).toBe(1);
    });

    it('unknown or injected sort fields, filter fields and operators → ValidationError', async () => {
      const before = await canary();
      const attempts = [
        repos.books.findMany({ orderBy: { field: 'title; drop table books' as 'title' } }),
        repos.books.findMany({ orderBy: { field: 'title', direction: 'asc; delete from authors' as 'asc' } }),
        repos.books.findMany({ orderBy: { field: '__proto__' as 'title' } }),
        repos.books.findMany({ filters: { ['1=1 or title' as 'title']: 'x' } }),
        repos.books.findMany({ filters: { title: { ['like' as 'contains']: '%' } } }),
        repos.books.findWithCursor({ orderBy: { field: 'constructor' as 'title' } }),
        repos.users.findMany({ filters: { id: "1' or '1'='1" } }),
        repos.userBooks.count({ userId: ['not-a-uuid'] }),
      ];
      for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      expect(await canary()).toEqual(before);
      expect(await repos.books.count()).toBe(HOSTILE.length + 1);
      expect(await repos.userBooks.listForUser("x'; drop table users; --")).toEqual([]);
    });

    it('a NUL character in a value written is a ValidationError naming the field on every provider (PostgreSQL cannot store it)', async () => {
      const before = await canary();
      const authorId = (await repos.authors.findFirst({ name: 'Canary' }))!.id;
      const book = (await repos.books.findFirst({ title: 'plain title' }))!;
      const attempts: [string, string, () => Promise<unknown>][] = [
        ['create text', 'title', () => repos.books.create({ title: 'a\u0000b', authorId })],
        ['create json value', 'metadata.note', () => repos.books.create({ title: 'ok', authorId, metadata: { note: '\u0000' } })],
        ['create json key', 'metadata.(key)', () => repos.books.create({ title: 'ok', authorId, metadata: { 'k\u0000': 1 } })],
        ['update text', 'genre', () => repos.books.update(book.id, { genre: '\u0000' })],
        [
          'bulk create',
          '1.title',
          () =>
            repos.books.bulkCreate([
              { title: 'fine', authorId },
              { title: '\u0000', authorId },
            ]),
        ],
        ['upsert', 'name', () => repos.users.upsert({ email: 'nul@example.com', name: 'x\u0000' }, { target: 'email' })],
      ];
      for (const [name, path, attempt] of attempts) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error, name).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).issues, name).toContainEqual({ path, message: 'text cannot contain a NUL character' });
      }
      expect(await repos.books.count()).toBe(HOSTILE.length + 1);
      expect(await repos.books.findById(book.id)).toMatchObject({ genre: 'plain' });
      expect(await canary()).toEqual(before);
    });

    it('values one provider would refuse or change and another store as given are refused when written, everywhere', async () => {
      const before = await canary();
      const authorId = (await repos.authors.findFirst({ name: 'Canary' }))!.id;
      const attempts: [string, string, () => Promise<unknown>][] = [
        ['lone surrogate', 'title', () => repos.books.create({ title: 'a\ud800b', authorId })],
        ['more decimals than the scale', 'price', () => repos.books.create({ title: 'ok', authorId, price: 12.345 })],
        ['tiny fraction', 'price', () => repos.books.create({ title: 'ok', authorId, price: 1e-7 })],
        ['year 10000', 'createdAt', () => repos.books.create({ title: 'ok', authorId, createdAt: new Date('+010000-01-01T00:00:00Z') })],
        ['BigInt in JSON', 'metadata.n', () => repos.books.create({ title: 'ok', authorId, metadata: { n: 1n } })],
        ['NaN in JSON', 'metadata.list.1', () => repos.books.create({ title: 'ok', authorId, metadata: { list: [1, Number.NaN] } })],
        ['Date in JSON', 'metadata.at', () => repos.books.create({ title: 'ok', authorId, metadata: { at: new Date() } })],
      ];
      for (const [name, path, attempt] of attempts) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error, name).toBeInstanceOf(ValidationError);
        expect(
          (error as ValidationError).issues.map((i) => i.path),
          name,
        ).toContain(path);
      }
      expect(await repos.books.count()).toBe(HOSTILE.length + 1);
      expect(await canary()).toEqual(before);
      // Accepted, and stored alike: two decimals, and an upper-case uuid kept in PostgreSQL's lower-case form.
      const priced = await repos.books.create({ title: 'priced', authorId, price: 12.34 });
      expect((await repos.books.findById(priced.id))!.price).toBe(12.34);
      const user = await repos.users.create({ id: 'ABCDEF01-2345-4678-89AB-CDEF01234567', email: 'upper@example.com' });
      expect(user.id).toBe('abcdef01-2345-4678-89ab-cdef01234567');
      await repos.userBooks.setStatus('ABCDEF01-2345-4678-89AB-CDEF01234567', priced.id, 'read');
      expect(await repos.userBooks.count({ userId: user.id })).toBe(1);
      await repos.users.hardDelete(user.id);
      await repos.books.hardDelete(priced.id);
    });

    it('values that cannot be of the column type are a ValidationError before any SQL, the same on every provider', async () => {
      const before = await canary();
      const cursorOf = (fields: string[], values: unknown[]) => Buffer.from(JSON.stringify({ f: fields, v: values })).toString('base64url');
      const attempts: [string, () => Promise<unknown>][] = [
        ['id as text', () => repos.books.findMany({ filters: { id: 'abc' } } as never)],
        ['int beyond int4', () => repos.books.count({ pages: 2147483648 })],
        ['boolean for text', () => repos.authors.findMany({ filters: { bio: false } } as never)],
        ['text for boolean', () => repos.books.count({ inStock: 'yes' } as never)],
        ['NaN', () => repos.books.count({ rating: { gte: Number.NaN } })],
        ['invalid Date', () => repos.books.count({ createdAt: { lt: new Date('nope') } })],
        ['json equality', () => repos.books.count({ metadata: { a: 1 } } as never)],
        ['NUL in contains', () => repos.books.count({ title: { contains: 'a\u0000b' } })],
        ['NUL in search', () => repos.books.count({ search: '\u0000' })],
        ['Symbol value', () => repos.books.count({ title: Symbol('x') } as never)],
        ['IN list too long', () => repos.books.count({ id: Array.from({ length: 40_000 }, (_, i) => i) })],
        ['page 1e18', () => repos.books.findMany({ pagination: { page: 1e18 } })],
        ['forged cursor values', () => repos.books.findWithCursor({ cursor: cursorOf(['id:asc'], ['not-a-number']) })],
      ];
      for (const [name, attempt] of attempts) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error, name).toBeInstanceOf(ValidationError);
      }
      expect(await canary()).toEqual(before);
    });
  });
}
