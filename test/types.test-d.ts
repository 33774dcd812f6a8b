/**
 * The public types follow the tables of db/schema.ts and the handle's SQL family; they contain no `any`.
 * Each @ts-expect-error line would compile if its rule broke (and then fail the type check).
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  createDatabaseClient,
  createRepositories,
  forUser,
  type Book,
  type DatabaseClient,
  type UserClaims,
  type BookWithAuthor,
  type CursorPage,
  type Page,
  type Repositories,
  type TableKey,
  type User,
} from '../db';

const repos = createRepositories(createDatabaseClient('sqlite'));

describe('repository types', () => {
  it('do not depend on the provider', () => {
    const onNeon = createRepositories(createDatabaseClient('neon'));
    expectTypeOf(repos).toEqualTypeOf(onNeon);
    expectTypeOf(repos.books.findById).returns.resolves.toEqualTypeOf<Book | null>();
    expectTypeOf(onNeon.books.findByIdWithAuthor).returns.resolves.toEqualTypeOf<BookWithAuthor | null>();
    expectTypeOf(repos.books.findWithPagination).returns.resolves.toEqualTypeOf<Page<Book>>();
    expectTypeOf(repos.users.findWithCursor).returns.resolves.toEqualTypeOf<CursorPage<User>>();
    expectTypeOf(repos.books.count).returns.resolves.toEqualTypeOf<number>();
    expectTypeOf(repos.books.getStats).returns.resolves.toEqualTypeOf<{ total: number; averageRating: number | null; byGenre: Record<string, number> }>();
  });

  it('take a user-scoped handle like any other, with the role limited to anon and authenticated', () => {
    expectTypeOf(forUser).returns.toEqualTypeOf<DatabaseClient>();
    expectTypeOf(createRepositories(forUser(createDatabaseClient('supabase'), { sub: 'id' }))).toEqualTypeOf(repos);
    // @ts-expect-error the service role is asService()'s alone
    const claims: UserClaims = { sub: 'id', role: 'service_role' };
    expectTypeOf(claims.sub).toEqualTypeOf<string | undefined>();
  });

  it('have one repository per table of the schema, keyed like its export', () => {
    expectTypeOf<keyof Repositories>().toEqualTypeOf<TableKey>();
  });

  it('type rows precisely (no any leaks)', () => {
    expectTypeOf<Book['price']>().toEqualTypeOf<number | null>();
    expectTypeOf<Book['createdAt']>().toEqualTypeOf<Date>();
    expectTypeOf<Book['inStock']>().toEqualTypeOf<boolean>();
    expectTypeOf<Book['id']>().not.toBeAny();
    expectTypeOf<User['metadata']>().toEqualTypeOf<Record<string, unknown> | null>();
  });

  it('infer the key from the table', () => {
    expectTypeOf(repos.books.findById).parameter(0).toEqualTypeOf<number>();
    expectTypeOf(repos.users.findById).parameter(0).toEqualTypeOf<string>();
    // @ts-expect-error: a books id is a number
    void repos.books.findById('1');
    // @ts-expect-error: the key cannot be changed by update
    void repos.books.update(1, { id: 2 });
  });

  it('reject unknown sort fields and filter columns at compile time', () => {
    // @ts-expect-error: 'nope' is not a column of books
    void repos.books.findMany({ orderBy: { field: 'nope' } });
    // @ts-expect-error: rating is a number
    void repos.books.findMany({ filters: { rating: 'high' } });
    // @ts-expect-error: 'nope' is not a column of users
    void repos.users.upsert({ email: 'a@b.c' }, { target: 'nope' });
  });

  it('offer text operators on text columns only', () => {
    void repos.books.findMany({ filters: { title: { contains: 'earth' }, isbn: { startsWith: '978' } } });
    // @ts-expect-error: pages is an integer column
    void repos.books.findMany({ filters: { pages: { contains: '2' } } });
    // @ts-expect-error: rating is a number column
    void repos.books.count({ rating: { startsWith: '4' } });
  });

  it('have soft delete only where the table has deletedAt', () => {
    expectTypeOf(repos.books.softDelete).returns.resolves.toEqualTypeOf<Book>();
    // @ts-expect-error: user_books has no deleted_at column
    void repos.userBooks.softDelete;
    // @ts-expect-error: user_books has no deleted_at column
    void repos.userBooks.restore;
  });

  it('expose no internal helper', () => {
    // @ts-expect-error: internal
    void repos.users.run;
    // @ts-expect-error: internal
    void repos.books.table;
    // @ts-expect-error: internal
    void repos.authors.live;
  });
});

describe('the handle', () => {
  it('types db and tables by its SQL family', () => {
    const db = createDatabaseClient('sqlite');
    // @ts-expect-error: not narrowed: a SQLite handle has no Postgres-only calls
    void db.db.selectDistinctOn;
    if (db.dialect === 'sqlite') {
      // @ts-expect-error: SQLite has no SELECT … FOR UPDATE
      void db.db.select().from(db.tables.books).for('update');
      // @ts-expect-error: better-sqlite3's client has no execute(); use db.execute(sql`…`) on the handle
      void db.db.execute;
      expectTypeOf(db.db.select().from(db.tables.books).all()).toEqualTypeOf<Book[]>();
    }
    if (db.dialect === 'pg') {
      void db.db.select().from(db.tables.books).for('update');
      void db.db.selectDistinctOn([db.tables.books.genre]).from(db.tables.books);
      void db.db.query.books.findMany({ with: { author: true } });
    }
  });

  it('has no raw run() or connection', () => {
    const db = createDatabaseClient('local');
    // @ts-expect-error: internal
    void db.run;
    // @ts-expect-error: internal
    void db.connection;
  });
});
