/** Every repository method, with assertions on the data, on every provider. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, NotFoundError, UniqueViolationError, ValidationError, type Repositories } from '../db';
import { portable } from './support/portable';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

for (const target of selectedTargets()) {
  describe(`${target.name}: repositories`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    let le: number;
    let achebe: number;

    beforeAll(async () => {
      t = await freshDatabase(target);
      repos = createRepositories(t.client);
      le = (await repos.authors.create({ name: 'Ursula K. Le Guin', nationality: 'American', birthYear: 1929 })).id;
      achebe = (await repos.authors.create({ name: 'Chinua Achebe', nationality: 'Nigerian' })).id;
      await repos.books.bulkCreate([
        { title: 'A Wizard of Earthsea', authorId: le, genre: 'Fantasy', isbn: 'isbn-1', rating: 4.5, price: 9.99 },
        { title: 'The Dispossessed', authorId: le, genre: 'Science Fiction', isbn: 'isbn-2', rating: 4.4 },
        { title: 'Things Fall Apart', authorId: achebe, genre: 'Literary Fiction', isbn: 'isbn-3', rating: 4.3 },
        { title: 'Arrow of God', authorId: achebe, genre: 'Literary Fiction', isbn: 'isbn-4' },
      ]);
    });
    afterAll(() => t.cleanup());

    it('create returns the stored row; findById finds it; exists and count agree', async () => {
      const author = await repos.authors.create({ name: 'Temporary', metadata: { source: 'test' } });
      expect(author).toMatchObject({ name: 'Temporary', metadata: { source: 'test' }, deletedAt: null });
      expect(await repos.authors.findById(author.id)).toEqual(author);
      expect(await repos.authors.exists(author.id)).toBe(true);
      expect(await repos.authors.exists(999_999)).toBe(false);
      expect(await repos.authors.findById(999_999)).toBeNull();
      expect(await repos.authors.count()).toBe(3);
      await repos.authors.hardDelete(author.id);
      expect(await repos.authors.count()).toBe(2);
      await expect(repos.authors.hardDelete(author.id)).rejects.toBeInstanceOf(NotFoundError);
      // Generated keys are fresh on every call (a cached statement must not freeze a default).
      const users = [await repos.users.create({ email: 'k1@example.com' }), await repos.users.create({ email: 'k2@example.com' })];
      expect(users[0]!.id).not.toBe(users[1]!.id);
      for (const u of users) await repos.users.hardDelete(u.id);
    });

    it('filters: equality, IN, operators, isNull, contains, startsWith', async () => {
      expect((await repos.books.findMany({ filters: { genre: 'Literary Fiction' } })).map((b) => b.isbn)).toEqual(['isbn-3', 'isbn-4']);
      expect(await repos.books.count({ isbn: ['isbn-1', 'isbn-4', 'nope'] })).toBe(2);
      expect(await repos.books.count({ rating: { gte: 4.4 } })).toBe(2);
      expect(await repos.books.count({ rating: { gt: 4.3, lt: 4.5 } })).toBe(1);
      expect(await repos.books.count({ rating: { isNull: true } })).toBe(1);
      expect(await repos.books.count({ rating: null })).toBe(1);
      expect(await repos.books.count({ genre: { ne: 'Fantasy' } })).toBe(3);
      expect(await repos.books.count({ title: { contains: 'FALL' } })).toBe(1);
      expect(await repos.books.count({ title: { startsWith: 'the' } })).toBe(1);
      expect(await repos.books.count({ isbn: [] })).toBe(0);
      expect(await repos.books.findFirst({ authorId: achebe })).toMatchObject({ isbn: 'isbn-3' });
    });

    it('search is case-insensitive across the searchable columns, including non-ASCII letters', async () => {
      expect((await repos.books.findMany({ filters: { search: 'earthSEA' } })).map((b) => b.isbn)).toEqual(['isbn-1']);
      expect(await repos.books.count({ search: 'fiction' })).toBe(3);
      const author = await repos.authors.create({ name: 'Émile Zola' });
      expect((await repos.authors.search('émile')).map((a) => a.id)).toEqual([author.id]);
      expect((await repos.authors.search('ÉMILE')).map((a) => a.id)).toEqual([author.id]);
      await repos.authors.hardDelete(author.id);
    });

    it('case-insensitive matching is the same rule on every provider: per-character lowercase, final sigma as sigma', async () => {
      const names = ['Σίσυφος', 'ΣΊΣΥΦΟΣ', 'İstanbul', 'istanbul', 'Straße', 'Indigo'];
      const ids = new Map<string, number>();
      for (const name of names) ids.set(name, (await repos.authors.create({ name, nationality: 'fold-test' })).id);
      const found = async (text: string, op: 'contains' | 'startsWith' = 'contains') => {
        const rows = await repos.authors.findMany({ filters: { nationality: 'fold-test', name: { [op]: text } }, orderBy: { field: 'id' } });
        return rows.map((a) => a.name);
      };
      expect(await found('ΣΊΣΥΦΟΣ')).toEqual(['Σίσυφος', 'ΣΊΣΥΦΟΣ']);
      expect(await found('σίσυφος')).toEqual(['Σίσυφος', 'ΣΊΣΥΦΟΣ']);
      expect(await found('İ', 'startsWith')).toEqual(['İstanbul', 'istanbul', 'Indigo']); // 'İ' lowers to 'i', as PostgreSQL's lower() does
      expect(await found('ISTANBUL')).toEqual(['İstanbul', 'istanbul']);
      expect(await found('STRASSE')).toEqual([]); // no expansions: 'ß' is not 'ss'
      expect(await found('STRAßE')).toEqual(['Straße']);
      expect((await repos.authors.findMany({ filters: { search: 'σίσυφοσ', nationality: 'fold-test' } })).length).toBe(2);
      for (const id of ids.values()) await repos.authors.hardDelete(id);
    });

    it('createdAfter / createdBefore compare with creation time', async () => {
      expect(await repos.books.count({ createdAfter: new Date(Date.now() - 3_600_000) })).toBe(4);
      expect(await repos.books.count({ createdBefore: new Date(Date.now() - 3_600_000) })).toBe(0);
    });

    it('orders by one or several known fields, and paginates', async () => {
      const byRating = await repos.books.findMany({ orderBy: { field: 'rating', direction: 'desc' } });
      expect(byRating.map((b) => b.isbn)).toEqual(['isbn-4', 'isbn-1', 'isbn-2', 'isbn-3']); // NULL sorts as largest
      const byGenreTitle = await repos.books.findMany({ orderBy: [{ field: 'genre' }, { field: 'title', direction: 'desc' }] });
      expect(byGenreTitle.map((b) => b.isbn)).toEqual(['isbn-1', 'isbn-3', 'isbn-4', 'isbn-2']);
      const page = await repos.books.findWithPagination({ orderBy: { field: 'title' }, pagination: { page: 2, limit: 3 } });
      expect(page).toMatchObject({ total: 4, page: 2, limit: 3, pageCount: 2 });
      expect(page.items.map((b) => b.isbn)).toEqual(['isbn-3']);
    });

    it('update sets updatedAt and returns the row; a missing row is NotFoundError', async () => {
      const book = (await repos.books.findFirst({ isbn: 'isbn-4' }))!;
      const updated = await repos.books.update(book.id, { rating: 4.1, inStock: false });
      expect(updated).toMatchObject({ id: book.id, rating: 4.1, inStock: false, title: 'Arrow of God' });
      expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(book.updatedAt.getTime());
      await expect(repos.books.update(999_999, { rating: 1 })).rejects.toBeInstanceOf(NotFoundError);
      await repos.books.update(book.id, { rating: null, inStock: true });
    });

    it('soft delete hides a row from every read until restored', async () => {
      const book = (await repos.books.findFirst({ isbn: 'isbn-2' }))!;
      await repos.books.softDelete(book.id);
      expect(await repos.books.findById(book.id)).toBeNull();
      expect(await repos.books.exists(book.id)).toBe(false);
      expect(await repos.books.count()).toBe(3);
      expect(await repos.books.findFirst({ isbn: 'isbn-2' })).toBeNull();
      expect((await repos.books.search({ query: 'dispossessed' })).length).toBe(0);
      expect((await repos.authors.findByIdWithBooks(le))!.books.map((b) => b.isbn)).toEqual(['isbn-1']);
      expect((await repos.books.getStats()).total).toBe(3);
      expect(await repos.books.findById(book.id, { withDeleted: true })).toMatchObject({ isbn: 'isbn-2' });
      expect(await repos.books.count({}, { withDeleted: true })).toBe(4);
      await expect(repos.books.update(book.id, { rating: 1 })).rejects.toBeInstanceOf(NotFoundError);
      await expect(repos.books.softDelete(book.id)).rejects.toBeInstanceOf(NotFoundError);
      const restored = await repos.books.restore(book.id);
      expect(restored.deletedAt).toBeNull();
      expect(await repos.books.count()).toBe(4);
    });

    it('upsert inserts, then updates on the conflict target', async () => {
      const first = await repos.users.upsert({ email: 'up@example.com', name: 'First' }, { target: 'email' });
      const second = await repos.users.upsert({ email: 'up@example.com', name: 'Second' }, { target: 'email' });
      expect(second.id).toBe(first.id);
      expect(second.name).toBe('Second');
      expect(await repos.users.count({ email: 'up@example.com' })).toBe(1);
      expect(await repos.users.findByEmail('up@example.com')).toMatchObject({ id: first.id, name: 'Second' });
      expect(await repos.users.findByEmail('nobody@example.com')).toBeNull();
      expect(await repos.users.findById('not-a-uuid')).toBeNull();
    });

    it('a soft-deleted row does not hold its unique key; upsert never updates or revives it', async () => {
      const gone = await repos.users.create({ email: 'reuse@example.com', name: 'Gone' });
      await repos.users.softDelete(gone.id);
      // Only the hidden row has the email: upsert inserts a live one instead of touching it.
      const fresh = await repos.users.upsert({ email: 'reuse@example.com', name: 'Fresh' }, { target: 'email' });
      expect(fresh.id).not.toBe(gone.id);
      const again = await repos.users.upsert({ email: 'reuse@example.com', name: 'Again' }, { target: 'email' });
      expect(again).toMatchObject({ id: fresh.id, name: 'Again' });
      expect(await repos.users.findById(gone.id, { withDeleted: true })).toMatchObject({ name: 'Gone', deletedAt: expect.any(Date) });
      // Restoring would give two live rows one email: the typed error names the index and the column.
      const restore = await repos.users.restore(gone.id).catch((e: unknown) => e);
      expect(restore).toBeInstanceOf(UniqueViolationError);
      expect(restore).toMatchObject({ constraint: 'users_email_live_unique', field: 'email' });
      await repos.users.hardDelete(fresh.id);
      expect(await repos.users.restore(gone.id)).toMatchObject({ id: gone.id, deletedAt: null });
      await expect(repos.users.create({ email: 'reuse@example.com' })).rejects.toBeInstanceOf(UniqueViolationError);
    });

    it('upsert on a key held by a soft-deleted row (primary key) is a typed error and changes nothing', async () => {
      const hidden = await repos.users.create({ email: 'hidden@example.com', name: 'Hidden' });
      await repos.users.softDelete(hidden.id);
      const error = await repos.users.upsert({ id: hidden.id, email: 'other@example.com', name: 'Changed' }, { target: 'id' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(error).toMatchObject({ constraint: 'users_pkey', field: 'id', message: expect.stringContaining('soft-deleted') });
      expect(await repos.users.findById(hidden.id, { withDeleted: true })).toMatchObject({ email: 'hidden@example.com', name: 'Hidden', deletedAt: expect.any(Date) });
      expect(await repos.users.count({ email: 'other@example.com' })).toBe(0);
    });

    it('books: search, findByIdWithAuthor, getStats', async () => {
      expect((await repos.books.search({ genre: 'Literary Fiction', minRating: 4 })).map((b) => b.isbn)).toEqual(['isbn-3']);
      expect((await repos.books.search({ authorId: le, limit: 1 })).map((b) => b.isbn)).toEqual(['isbn-1']);
      const book = (await repos.books.findFirst({ isbn: 'isbn-1' }))!;
      const withAuthor = await repos.books.findByIdWithAuthor(book.id);
      expect(withAuthor).toMatchObject({ isbn: 'isbn-1', author: { id: le, name: 'Ursula K. Le Guin' } });
      expect(withAuthor!.author.createdAt).toBeInstanceOf(Date);
      expect(await repos.books.findByIdWithAuthor(999_999)).toBeNull();
      const stats = await repos.books.getStats();
      expect(stats.total).toBe(4);
      expect(stats.averageRating).toBeCloseTo((4.5 + 4.4 + 4.3) / 3, 10);
      expect(typeof stats.averageRating).toBe('number');
      expect(stats.byGenre).toEqual({ Fantasy: 1, 'Science Fiction': 1, 'Literary Fiction': 2 });
    });

    it('authors: findByIdWithBooks, search, getFeatured, getStats', async () => {
      const withBooks = await repos.authors.findByIdWithBooks(achebe);
      expect(withBooks).toMatchObject({ id: achebe, name: 'Chinua Achebe' });
      expect(withBooks!.books.map((b) => b.isbn)).toEqual(['isbn-3', 'isbn-4']);
      const lonely = await repos.authors.create({ name: 'No Books Yet' });
      expect(await repos.authors.findByIdWithBooks(lonely.id)).toMatchObject({ id: lonely.id, books: [] });
      expect(await repos.authors.findByIdWithBooks(999_999)).toBeNull();
      expect((await repos.authors.search('achebe')).map((a) => a.id)).toEqual([achebe]);
      const featured = await repos.authors.getFeatured(2);
      expect(featured.map((a) => [a.id, a.topRating])).toEqual([
        [le, 4.5],
        [achebe, 4.3],
      ]);
      expect(await repos.authors.getStats()).toEqual({ total: 3, byNationality: { American: 1, Nigerian: 1, unknown: 1 } });
      await repos.authors.hardDelete(lonely.id);
    });

    it('userBooks: setStatus upserts, listForUser joins the book, filtered by status', async () => {
      const user = await repos.users.create({ email: 'reader@example.com', name: 'Reader' });
      const [b1, b3] = [(await repos.books.findFirst({ isbn: 'isbn-1' }))!, (await repos.books.findFirst({ isbn: 'isbn-3' }))!];
      const reading = await repos.userBooks.setStatus(user.id, b1.id, 'reading');
      expect(reading).toMatchObject({ userId: user.id, bookId: b1.id, status: 'reading', finishedAt: null });
      expect(reading.startedAt).toBeInstanceOf(Date);
      const done = await repos.userBooks.setStatus(user.id, b1.id, 'read', { rating: 5, review: 'Wonderful' });
      expect(done).toMatchObject({ status: 'read', rating: 5, review: 'Wonderful' });
      expect(done.finishedAt).toBeInstanceOf(Date);
      await repos.userBooks.setStatus(user.id, b3.id, 'want_to_read');
      expect(await repos.userBooks.count({ userId: user.id })).toBe(2);
      const all = await repos.userBooks.listForUser(user.id);
      // Newest first, as documented: isbn-3 was set last.
      expect(all.map((e) => [e.book.isbn, e.status])).toEqual([
        ['isbn-3', 'want_to_read'],
        ['isbn-1', 'read'],
      ]);
      const read = await repos.userBooks.listForUser(user.id, { status: 'read' });
      expect(read.map((e) => e.book.title)).toEqual(['A Wizard of Earthsea']);
      expect(await repos.userBooks.findById({ userId: user.id, bookId: b3.id })).toMatchObject({ status: 'want_to_read' });
      await repos.userBooks.hardDelete({ userId: user.id, bookId: b3.id });
      expect(await repos.userBooks.exists({ userId: user.id, bookId: b3.id })).toBe(false);
      await repos.users.hardDelete(user.id); // cascades to user_books
      expect(await repos.userBooks.count({ userId: user.id })).toBe(0);
    });

    it('rejects invalid rows with ValidationError listing each field, writing nothing', async () => {
      const before = await repos.books.count();
      const attempt = repos.books.create({ title: '', authorId: 1.5, rating: 9, pages: -3, titel: 'typo' } as never);
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      const error = (await attempt.catch((e: unknown) => e)) as ValidationError;
      expect(error.code).toBe('VALIDATION');
      expect(error.issues.map((i) => i.path).sort()).toEqual(['', 'authorId', 'pages', 'rating', 'title']);
      await expect(repos.users.create({ email: 'not an email' })).rejects.toThrow(/email/);
      await expect(
        repos.books.bulkCreate([
          { title: 'ok', authorId: le },
          { title: 'bad', authorId: le, rating: 7 },
        ]),
      ).rejects.toThrow(/row 1/);
      expect(await repos.books.count()).toBe(before);
    });

    it('text operators on a non-text column are a ValidationError on every provider, never SQL', async () => {
      for (const filters of [{ pages: { contains: '2' } }, { rating: { startsWith: '4' } }, { inStock: { contains: 't' } }]) {
        const error = await repos.books.findMany({ filters } as never).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).issues[0]!.message).toBe('text operators apply to text columns only');
      }
    });

    it('upsert targets only the primary key or a unique constraint', async () => {
      const error = await repos.users.upsert({ email: 'target@example.com', name: 'x' }, { target: 'name' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain('must be the primary key or a unique constraint: [id] or [email]');
      expect(await repos.users.count({ email: 'target@example.com' })).toBe(0);
      const throwing = {
        get target(): string {
          throw new Error('getter');
        },
      };
      const badOptions: unknown[] = [null, undefined, throwing, { target: ['email', Symbol('x')] }, { target: 'email', extra: 1 }, { target: [] }];
      for (const options of badOptions) {
        const bad = await repos.users.upsert({ email: 'target@example.com' }, options as never).catch((e: unknown) => e);
        expect(bad, String(options)).toBeInstanceOf(ValidationError);
      }
      expect(await repos.users.count({ email: 'target@example.com' })).toBe(0);
    });

    it('a composite key must hold exactly its fields of the right types', async () => {
      const user = await repos.users.create({ email: 'composite@example.com' });
      const [book] = await repos.books.findMany({ pagination: { limit: 1 } });
      await repos.userBooks.setStatus(user.id, book!.id, 'reading');
      expect(await repos.userBooks.findById({ userId: user.id, bookId: book!.id })).toMatchObject({ status: 'reading' });
      for (const id of [{ userId: user.id }, { userId: user.id, bookId: String(book!.id) }, { userId: user.id, bookId: book!.id, status: 'reading' }, user.id]) {
        expect(await repos.userBooks.findById(id as never)).toBeNull();
        expect(await repos.userBooks.exists(id as never)).toBe(false);
      }
    });

    it('public objects carry no internal helper', () => {
      for (const repo of Object.values(repos)) for (const name of ['run', 'table', 'columns', 'live', 'read']) expect(repo).not.toHaveProperty(name);
      for (const name of ['run', 'connection']) expect(t.client).not.toHaveProperty(name);
    });

    it('relational queries of db/schema.ts work on every provider', async () => {
      const rows = await portable(t.client).run((db) => db.query.authors.findMany({ with: { books: { columns: { isbn: true } } }, orderBy: (a, { asc }) => asc(a.id) }));
      expect(rows.slice(0, 2).map((a) => [a.name, a.books.map((b) => b.isbn).sort()])).toEqual([
        ['Ursula K. Le Guin', ['isbn-1', 'isbn-2']],
        ['Chinua Achebe', ['isbn-3', 'isbn-4']],
      ]);
      const book = await portable(t.client).run((db) => db.query.books.findFirst({ where: (b, { eq }) => eq(b.isbn, 'isbn-3'), with: { author: true } }));
      expect(book?.author.name).toBe('Chinua Achebe');
    });

    it('a lookup given anything but its key type is a ValidationError, never the first row', async () => {
      await repos.users.create({ email: 'first@example.com' });
      for (const bad of [{}, { ne: 'x' }, undefined, null, 42, ['first@example.com']]) {
        await expect(repos.users.findByEmail(bad as never)).rejects.toBeInstanceOf(ValidationError);
      }
      for (const filters of [{ email: {} }, { email: { ne: undefined } }]) {
        await expect(repos.users.findFirst(filters as never)).rejects.toBeInstanceOf(ValidationError);
        await expect(repos.users.count(filters as never)).rejects.toBeInstanceOf(ValidationError);
      }
      await expect(repos.userBooks.listForUser({} as never)).rejects.toBeInstanceOf(ValidationError);
    });

    it('pages hold 20 rows by default and at most 1000; the cap points to findWithCursor', async () => {
      await repos.authors.bulkCreate(Array.from({ length: 25 }, (_, i) => ({ name: `Paged ${i}` })));
      expect(await repos.authors.findMany({ filters: { name: { startsWith: 'Paged ' } } })).toHaveLength(20);
      const error = await repos.authors.findMany({ pagination: { limit: 1001 } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain('walk larger results with findWithCursor');
    });
  });
}
