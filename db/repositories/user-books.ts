/** Reading status of a user for a book (example domain; key: userId + bookId; no soft delete on this table). */
import { and, desc, eq, isNull } from 'drizzle-orm';
import { ValidationError } from '../errors';
import { READING_STATUSES, type ReadingStatus } from '../schema';
import type { Tables } from '../tables';
import type { Repository, RepositoryContext, RepositoryOptions } from './contract';
import { readRecord } from './input';
import type { Book, NewUserBook, UserBook, UserBookWithBook } from './types';
import { UUID_PATTERN } from './values';

export type StatusExtra = Pick<NewUserBook, 'rating' | 'review' | 'startedAt' | 'finishedAt'>;

export const userBooksOptions: RepositoryOptions = { entity: 'UserBook', searchable: ['review'] };

/** The user_books domain methods. */
export function userBooksDomain(base: Repository<Tables['userBooks']>, { tables, read }: RepositoryContext<Tables['userBooks']>) {
  const { books, userBooks } = tables;

  return {
    /**
     * Sets the user's status for a book (creating the entry if needed). `reading` stamps startedAt and
     * `read` stamps finishedAt with now unless `extra` gives them.
     */
    async setStatus(userId: string, bookId: number, status: ReadingStatus, extra: StatusExtra = {}): Promise<UserBook> {
      // Read once; only these fields, so `extra` cannot carry another userId or bookId past the spread below.
      const more = readRecord('UserBook status', 'extra', extra, ['rating', 'review', 'startedAt', 'finishedAt']) as StatusExtra;
      const now = new Date();
      return base.upsert(
        {
          userId,
          bookId,
          status,
          ...more,
          ...(status === 'reading' && more.startedAt === undefined ? { startedAt: now } : {}),
          ...(status === 'read' && more.finishedAt === undefined ? { finishedAt: now } : {}),
        },
        { target: ['userId', 'bookId'] },
      );
    },

    /** The user's entries with their (live) books, newest first (one round trip). */
    async listForUser(userId: string, options: { status?: ReadingStatus } = {}): Promise<UserBookWithBook[]> {
      if (typeof userId !== 'string') throw new ValidationError('UserBook list', [{ path: 'userId', message: 'expected a uuid' }]);
      const { status } = readRecord('UserBook list', 'options', options, ['status']);
      if (status !== undefined && !(READING_STATUSES as readonly unknown[]).includes(status)) {
        throw new ValidationError('UserBook list', [{ path: 'status', message: `expected one of ${READING_STATUSES.join(', ')}` }]);
      }
      if (!UUID_PATTERN.test(userId)) return []; // no user has a malformed id, on any provider
      const rows = await read('list', (db) =>
        db
          .select({ entry: userBooks, book: books })
          .from(userBooks)
          .innerJoin(books, and(eq(books.id, userBooks.bookId), isNull(books.deletedAt)))
          // Lower case: Postgres compares uuids case-blind, SQLite compares the stored (lower-case) text.
          .where(and(eq(userBooks.userId, userId.toLowerCase()), status ? eq(userBooks.status, status as ReadingStatus) : undefined))
          .orderBy(desc(userBooks.updatedAt), desc(userBooks.bookId)),
      );
      return rows.map((r) => ({ ...r.entry, book: r.book as Book }));
    },
  };
}
