/** Reading status of a user for a book (key: userId + bookId; no soft delete on this table). */
import { and, eq, isNull } from 'drizzle-orm';
import type { DatabaseClient } from '../client';
import type { ReadingStatus } from '../schema';
import { createBaseRepository } from './base';
import { UUID_PATTERN } from './query';
import type { Book, NewUserBook, UserBook, UserBookId, UserBookUpdate, UserBookWithBook } from './types';
import { schemas } from './validation';

export type StatusExtra = Pick<NewUserBook, 'rating' | 'review' | 'startedAt' | 'finishedAt'>;

/** The user_books repository for a handle (or a transaction handle). */
export function createUserBooksRepository(client: DatabaseClient) {
  const {
    table: _table,
    columns: _columns,
    live: _live,
    run: read,
    softDelete: _softDelete,
    restore: _restore,
    ...base
  } = createBaseRepository<UserBook, NewUserBook, UserBookUpdate, UserBookId>(client, {
    entity: 'UserBook',
    table: (t) => t.userBooks,
    keys: ['userId', 'bookId'],
    searchable: ['review'],
    insert: schemas.userBooks.insert,
    update: schemas.userBooks.update,
  });
  const { books, userBooks } = client.tables;

  return {
    ...base,

    /**
     * Sets the user's status for a book (creating the entry if needed). `reading` stamps startedAt and
     * `read` stamps finishedAt with now unless `extra` gives them.
     */
    setStatus(userId: string, bookId: number, status: ReadingStatus, extra: StatusExtra = {}): Promise<UserBook> {
      const now = new Date();
      return base.upsert(
        {
          userId,
          bookId,
          status,
          ...extra,
          ...(status === 'reading' && extra.startedAt === undefined ? { startedAt: now } : {}),
          ...(status === 'read' && extra.finishedAt === undefined ? { finishedAt: now } : {}),
        },
        { target: ['userId', 'bookId'] },
      );
    },

    /** The user's entries with their (live) books, newest first (one round trip). */
    async listForUser(userId: string, options: { status?: ReadingStatus } = {}): Promise<UserBookWithBook[]> {
      if (!UUID_PATTERN.test(userId)) return []; // no user has a malformed id, on any provider
      const rows = await read('list', (db) =>
        db
          .select({ entry: userBooks, book: books })
          .from(userBooks)
          .innerJoin(books, and(eq(books.id, userBooks.bookId), isNull(books.deletedAt)))
          .where(and(eq(userBooks.userId, userId), options.status ? eq(userBooks.status, options.status) : undefined))
          .orderBy(userBooks.updatedAt, userBooks.bookId),
      );
      return rows.map((r) => ({ ...r.entry, book: r.book as Book }));
    },
  };
}

export type UserBooksRepository = ReturnType<typeof createUserBooksRepository>;
