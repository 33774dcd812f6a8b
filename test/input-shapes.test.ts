/**
 * Input of the wrong shape (null options, filters or sort terms, symbols, functions, bigints, lists where one
 * value goes, getters and proxies that throw) given to every public repository method: a ValidationError
 * naming the path (never the value) before any SQL, or accepted the same way on every provider; never a
 * TypeError, never a database error, never a write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, DbError, NotFoundError, tableChecksums, ValidationError, type Repositories } from '../db';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

/** Put into hostile values: an error message must never contain it. */
const MARK = 'mark-7f3a';

const throwingGetter = (key: string) =>
  Object.defineProperty({}, key, {
    enumerable: true,
    get: () => {
      throw new Error(MARK);
    },
  });
const revoked = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};
const throwingProxy = () =>
  new Proxy(
    {},
    {
      ownKeys: () => {
        throw new Error(MARK);
      },
      getPrototypeOf: () => {
        throw new Error(MARK);
      },
    },
  );
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const year = (y: number) => new Date(new Date(0).setUTCFullYear(y));

/** Fresh hostile values for one call (a revoked proxy or a getter is consumed by nothing, but stays per call). */
const hostileValues = (): unknown[] => [null, Symbol(MARK), () => MARK, 10n, [MARK], throwingGetter('title'), revoked(), throwingProxy(), Object.create(null)];

type Method = (...args: unknown[]) => Promise<unknown>;

for (const target of selectedTargets()) {
  describe(`${target.name}: wrong-shaped input`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    let userId: string;
    let bookId: number;

    beforeAll(async () => {
      t = await freshDatabase(target);
      repos = createRepositories(t.client);
      const authorId = (await repos.authors.create({ name: 'Shapes' })).id;
      await repos.books.bulkCreate([1, 2, 3, 4].map((rating) => ({ title: `Book ${rating}`, authorId, genre: rating % 2 ? 'odd' : 'even', rating })));
      bookId = (await repos.books.findFirst({ rating: 4 }))!.id;
      userId = (await repos.users.create({ email: 'shapes@example.com' })).id;
      await repos.userBooks.setStatus(userId, bookId, 'reading');
    });
    afterAll(() => t.cleanup());

    it('every method of every repository, each argument in turn hostile: a result or a DbError, nothing written', async () => {
      const before = await tableChecksums(t.client);
      const crashes: string[] = [];
      const table = repos as unknown as Record<string, Record<string, Method>>;
      for (const [key, repo] of Object.entries(table)) {
        for (const [name, method] of Object.entries(repo)) {
          for (let position = 0; position < 4; position++) {
            for (const [i, value] of hostileValues().entries()) {
              const args: unknown[] = [undefined, undefined, undefined, undefined];
              args[position] = value;
              let error: unknown;
              try {
                await method(...args); // a synchronous throw counts as much as a rejection
              } catch (e) {
                error = e;
              }
              if (error !== undefined && (!(error instanceof DbError) || error.message.includes(MARK))) crashes.push(`${key}.${name} argument ${position} value ${i}: ${String(error).slice(0, 120)}`);
            }
          }
        }
      }
      expect(crashes).toEqual([]);
      expect(await tableChecksums(t.client)).toEqual(before);
    });

    it('null options, filters, sort terms and pages, lists for single values, symbols and getters: a ValidationError naming the path', async () => {
      const attempts: [string, string, () => Promise<unknown>][] = [
        ['options', 'null options', () => repos.books.findMany(null as never)],
        ['options', 'null read options', () => repos.books.findById(bookId, null as never)],
        ['options', 'null count options', () => repos.books.count({}, null as never)],
        ['filters', 'null filters', () => repos.books.findMany({ filters: null as never })],
        ['filters', 'null filters to count', () => repos.books.count(null as never)],
        ['filters', 'null filters to findFirst', () => repos.books.findFirst(null as never)],
        ['orderBy', 'null orderBy', () => repos.books.findMany({ orderBy: null as never })],
        ['orderBy.0', 'null sort term', () => repos.books.findWithCursor({ orderBy: [null as never] })],
        ['orderBy.field', 'sort field as a list', () => repos.books.findMany({ orderBy: { field: ['title'] as never } })],
        ['metadata', 'sort on a JSON column', () => repos.books.findMany({ orderBy: { field: 'metadata' } })],
        ['pagination', 'null pagination', () => repos.books.findMany({ pagination: null as never })],
        ['page', 'null page', () => repos.books.findWithPagination({ pagination: { page: null as never } })],
        ['limit', 'null limit', () => repos.books.findMany({ pagination: { limit: null as never } })],
        ['limit', 'limit as a list', () => repos.books.findWithCursor({ limit: [5] as never })],
        ['cursor', 'cursor as a list', () => repos.books.findWithCursor({ cursor: [MARK] as never })],
        ['cursor', 'cursor whose body is JSON null', () => repos.books.findWithCursor({ cursor: b64(null) })],
        ['withDeleted', 'withDeleted as text', () => repos.books.count({}, { withDeleted: 'no' as never })],
        ['options.filter', 'misspelt option (would widen the query)', () => repos.books.findMany({ filter: { genre: 'odd' } } as never)],
        ['filters', 'symbol key', () => repos.books.count({ [Symbol(MARK)]: 1 } as never)],
        ['title', 'symbol value', () => repos.books.count({ title: Symbol(MARK) } as never)],
        ['id', 'bigint value', () => repos.books.count({ id: 10n } as never)],
        ['id', 'function value', () => repos.books.count({ id: () => MARK } as never)],
        ['rating.gt', 'list for a comparison', () => repos.books.count({ rating: { gt: [MARK] } } as never)],
        ['rating.gt', 'null comparison', () => repos.books.count({ rating: { gt: null } } as never)],
        ['genre.1', 'null inside an IN list', () => repos.books.count({ genre: ['odd', null] } as never)],
        ['genre.isNull', 'isNull as text', () => repos.books.count({ genre: { isNull: 'false' } } as never)],
        ['createdAt.gt', 'Date beyond year 9999', () => repos.books.count({ createdAt: { gt: year(10_000) } })],
        ['createdAfter', 'Date before year 1', () => repos.books.count({ createdAfter: year(0) })],
        ['filters', 'getter that throws in filters', () => repos.books.count(throwingGetter('title') as never)],
        ['title', 'getter that throws in an operator object', () => repos.books.count({ title: throwingGetter('contains') } as never)],
        ['options', 'getter that throws in options', () => repos.books.findMany(throwingGetter('filters') as never)],
        ['orderBy', 'getter that throws in a sort term', () => repos.books.findMany({ orderBy: throwingGetter('field') as never })],
        ['filters', 'revoked proxy as filters', () => repos.books.findFirst(revoked() as never)],
        ['id', 'composite id with a getter that throws', () => repos.userBooks.findById(throwingGetter('userId') as never)],
        ['', 'create data with a getter that throws', () => repos.authors.create(throwingGetter('name') as never)],
        ['rows', 'bulkCreate of null', () => repos.authors.bulkCreate(null as never)],
        ['criteria', 'books.search(null)', () => repos.books.search(null as never)],
        ['genre', 'books.search with genre null (would mean IS NULL)', () => repos.books.search({ genre: null as never })],
        ['options', 'userBooks.listForUser options null', () => repos.userBooks.listForUser(userId, null as never)],
        ['status', 'userBooks.listForUser status as a symbol', () => repos.userBooks.listForUser(userId, { status: Symbol(MARK) as never })],
        ['extra', 'userBooks.setStatus extra null', () => repos.userBooks.setStatus(userId, bookId, 'read', null as never)],
        ['n', 'authors.getFeatured(-1) (no limit on SQLite)', () => repos.authors.getFeatured(-1)],
        ['n', 'authors.getFeatured(null)', () => repos.authors.getFeatured(null as never)],
        ['email', 'users.findByEmail(symbol)', () => repos.users.findByEmail(Symbol(MARK) as never)],
      ];
      const wrong: string[] = [];
      for (const [path, name, attempt] of attempts) {
        // Through then(): a method that throws synchronously is caught and reported like the others.
        const error = await Promise.resolve()
          .then(attempt)
          .catch((e: unknown) => e);
        if (!(error instanceof ValidationError)) wrong.push(`${name}: ${error instanceof Error ? `${error.name}: ${error.message.slice(0, 80)}` : 'no error'}`);
        else if (!error.issues.some((i) => i.path === path)) wrong.push(`${name}: paths ${error.issues.map((i) => i.path).join(', ')}, expected ${path}`);
        else if (error.message.includes(MARK)) wrong.push(`${name}: the message repeats the value`);
      }
      expect(wrong).toEqual([]);
    });

    it('accepted the same way everywhere: null-prototype objects, wrong-typed ids, upper-case uuids, out-of-range keys', async () => {
      const plain = await repos.books.count({ rating: { gte: 2 }, genre: 'even' });
      expect(plain).toBe(2);
      expect(await repos.books.count(Object.assign(Object.create(null), { rating: Object.assign(Object.create(null), { gte: 2 }), genre: 'even' }))).toBe(plain);
      for (const id of [Symbol(MARK), () => 1, 10n, [bookId], { id: bookId }]) {
        expect(await repos.books.findById(id as never)).toBeNull();
        expect(await repos.books.exists(id as never)).toBe(false);
        await expect(repos.books.update(id as never, { title: 'x' })).rejects.toBeInstanceOf(NotFoundError);
      }
      // Postgres compares uuids case-blind, SQLite compared the stored text: now found on both.
      expect((await repos.users.findById(userId.toUpperCase()))?.id).toBe(userId);
      expect(await repos.users.count({ id: userId.toUpperCase() })).toBe(1);
      expect((await repos.userBooks.listForUser(userId.toUpperCase())).map((e) => e.bookId)).toEqual([bookId]);
      // Beyond int4: Postgres refused the parameter (a database error), SQLite found nothing.
      expect(await repos.books.findByIdWithAuthor(2 ** 40)).toBeNull();
      expect(await repos.authors.findByIdWithBooks(2 ** 40)).toBeNull();
      expect(await repos.books.findWithCursor({ cursor: null })).toMatchObject({ items: expect.any(Array) });
    });
  });
}
