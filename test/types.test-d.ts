/** The public types are the same whichever provider the handle came from, and contain no `any`. */
import { describe, expectTypeOf, it } from 'vitest';
import { createDatabaseClient, createRepositories, type Book, type BookWithAuthor, type CursorPage, type Page, type User } from '../db';

describe('repository types', () => {
  it('do not depend on the provider', () => {
    const onSqlite = createRepositories(createDatabaseClient('sqlite'));
    const onNeon = createRepositories(createDatabaseClient('neon'));
    expectTypeOf(onSqlite).toEqualTypeOf(onNeon);
    expectTypeOf(onSqlite.books.findById).returns.resolves.toEqualTypeOf<Book | null>();
    expectTypeOf(onNeon.books.findByIdWithAuthor).returns.resolves.toEqualTypeOf<BookWithAuthor | null>();
    expectTypeOf(onSqlite.books.findWithPagination).returns.resolves.toEqualTypeOf<Page<Book>>();
    expectTypeOf(onSqlite.users.findWithCursor).returns.resolves.toEqualTypeOf<CursorPage<User>>();
    expectTypeOf(onSqlite.books.count).returns.resolves.toEqualTypeOf<number>();
    expectTypeOf(onSqlite.books.getStats).returns.resolves.toEqualTypeOf<{ total: number; averageRating: number | null; byGenre: Record<string, number> }>();
  });

  it('type rows precisely (no any leaks)', () => {
    expectTypeOf<Book['price']>().toEqualTypeOf<number | null>();
    expectTypeOf<Book['createdAt']>().toEqualTypeOf<Date>();
    expectTypeOf<Book['inStock']>().toEqualTypeOf<boolean>();
    expectTypeOf<Book['id']>().not.toBeAny();
    expectTypeOf<User['metadata']>().toEqualTypeOf<Record<string, unknown> | null>();
  });

  it('reject unknown sort fields and filter columns at compile time', () => {
    const repos = createRepositories(createDatabaseClient('sqlite'));
    // @ts-expect-error: 'nope' is not a column of books
    void repos.books.findMany({ orderBy: { field: 'nope' } });
    // @ts-expect-error: rating is a number
    void repos.books.findMany({ filters: { rating: 'high' } });
  });
});
