/**
 * The same failure gives the same typed error on every provider, names the constraint or field, never
 * shows the value, and leaves the table as it was.
 */
import { inspect } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckViolationError, createRepositories, DbError, ForeignKeyViolationError, NotNullViolationError, toDbError, UniqueViolationError, ValidationError, type Repositories } from '../db';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';
import { portable } from './support/portable';

const MARKER = 'SECRET-VALUE-7731';

for (const target of selectedTargets()) {
  describe(`${target.name}: typed errors`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    let authorId: number;
    let snapshot: () => Promise<unknown[]>;

    beforeAll(async () => {
      t = await freshDatabase(target);
      repos = createRepositories(t.client);
      authorId = (await repos.authors.create({ name: 'A' })).id;
      await repos.books.create({ title: 'Original', authorId, isbn: `${MARKER}-isbn` });
      snapshot = () => repos.books.findMany({ pagination: { limit: 100 } });
    });
    afterAll(() => t.cleanup());

    async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; constraint?: string; field?: string }> {
      const error = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(String((error as Error).message)).not.toContain(MARKER);
      return error as Error;
    }

    it('duplicate isbn → UniqueViolationError naming the field or constraint; table unchanged', async () => {
      const before = await snapshot();
      const error = await rejection(repos.books.create({ title: `${MARKER} copy`, authorId, isbn: `${MARKER}-isbn` }));
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(error.code).toBe('UNIQUE_VIOLATION');
      // Both names on every provider (Postgres names the constraint, SQLite the column; the schema gives the other).
      expect([error.constraint, error.field]).toEqual(['books_isbn_live_unique', 'isbn']);
      expect(await snapshot()).toEqual(before);
    });

    it('missing author → ForeignKeyViolationError; table unchanged', async () => {
      const before = await snapshot();
      const error = await rejection(repos.books.create({ title: `${MARKER} orphan`, authorId: 987_654 }));
      expect(error).toBeInstanceOf(ForeignKeyViolationError);
      expect(error.code).toBe('FOREIGN_KEY_VIOLATION');
      expect([error.constraint, error.field]).toEqual(['books_author_id_authors_id_fk', 'author_id']);
      expect(await snapshot()).toEqual(before);
    });

    it('a table with two foreign keys: the error names the one that failed, inside a transaction too', async () => {
      const user = await repos.users.create({ email: 'two-keys@example.com' });
      const book = (await repos.books.findFirst({ title: 'Original' }))!;
      const missingBook = await rejection(repos.userBooks.setStatus(user.id, 987_654, 'reading'));
      expect(missingBook).toBeInstanceOf(ForeignKeyViolationError);
      expect([missingBook.constraint, missingBook.field]).toEqual(['user_books_book_id_books_id_fk', 'book_id']);
      const missingUser = await rejection(t.client.transaction((tx) => createRepositories(tx).userBooks.setStatus('00000000-0000-4000-8000-000000000000', book.id, 'read')));
      expect([missingUser.constraint, missingUser.field]).toEqual(['user_books_user_id_users_id_fk', 'user_id']);
      expect(await repos.userBooks.count()).toBe(0);
      await repos.users.hardDelete(user.id);
    });

    it('deleting an author who still has books → ForeignKeyViolationError (restrict)', async () => {
      const error = await rejection(repos.authors.hardDelete(authorId));
      expect(error).toBeInstanceOf(ForeignKeyViolationError);
      expect([error.constraint, error.field]).toEqual(['books_author_id_authors_id_fk', 'author_id']);
      expect(await repos.authors.exists(authorId)).toBe(true);
    });

    it('null title and rating 9 are caught by validation before SQL (ValidationError)', async () => {
      const before = await snapshot();
      const nullTitle = await rejection(repos.books.create({ title: null as unknown as string, authorId }));
      expect(nullTitle).toBeInstanceOf(ValidationError);
      expect((nullTitle as ValidationError).issues.map((i) => i.path)).toEqual(['title']);
      const tooHigh = await rejection(repos.books.create({ title: 'x', authorId, rating: 9 }));
      expect(tooHigh).toBeInstanceOf(ValidationError);
      expect((tooHigh as ValidationError).issues.map((i) => i.path)).toEqual(['rating']);
      expect(await snapshot()).toEqual(before);
    });

    it('the database constraints behind them map to NotNullViolationError and CheckViolationError', async () => {
      const before = await snapshot();
      const { db, tables } = portable(t.client);
      const nullTitle = await portable(t.client)
        .run((d) => d.insert(tables.books).values({ title: sql`null`, authorId } as never))
        .catch((e: unknown) => toDbError(e));
      expect(nullTitle).toBeInstanceOf(NotNullViolationError);
      expect((nullTitle as NotNullViolationError).field).toBe('title');
      const badRating = await portable(t.client)
        .run(() => db.insert(tables.books).values({ title: MARKER, authorId, rating: 9 }))
        .catch((e: unknown) => toDbError(e));
      expect(badRating).toBeInstanceOf(CheckViolationError);
      expect((badRating as CheckViolationError).constraint).toBe('books_rating_range');
      expect((badRating as Error).message).not.toContain(MARKER);
      expect(await snapshot()).toEqual(before);
    });

    it('no parameter value anywhere reachable from the error: message, stack, util.inspect, JSON, every cause', async () => {
      const leak = `${MARKER}-leak`;
      await repos.books.create({ title: 'Leak probe', authorId, isbn: leak });
      const errors: unknown[] = [
        await repos.books.create({ title: `dup ${leak}`, authorId, isbn: leak }).catch((e: unknown) => e),
        await portable(t.client)
          .run((d) => d.insert(portable(t.client).tables.books).values({ title: leak, authorId, isbn: leak }))
          .catch((e: unknown) => toDbError(e)),
        await t.client
          .transaction(async (tx) => {
            await createRepositories(tx).books.create({ title: leak, authorId, isbn: leak });
          })
          .catch((e: unknown) => e),
      ];
      if (target.capabilities.family === 'pg') {
        // Postgres quotes an out-of-range value in its message.
        errors.push(await t.client.execute(sql`select ${'2147483648'}::integer + ${leak}::text::integer`).catch((e: unknown) => e));
      }
      for (const error of errors) {
        expect(error).toBeInstanceOf(DbError);
        const seen: string[] = [inspect(error, { depth: 20, showHidden: true }), JSON.stringify(error)];
        for (let e: unknown = error; e instanceof Error; e = e.cause) seen.push(e.message, String(e.stack), inspect(e, { showHidden: true }));
        for (const text of seen) {
          expect(text).not.toContain(leak);
          expect(text).not.toContain('2147483648');
        }
      }
      expect((errors[0] as UniqueViolationError).constraint ?? (errors[0] as UniqueViolationError).field).toBeTruthy();
    });
  });
}
