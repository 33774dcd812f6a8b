/** Reading status of a user for a book (example domain; key: userId + bookId; no soft delete on this table). */
import { and, desc, eq, isNull } from 'drizzle-orm';
import { ValidationError } from '../errors';
import type { ReadingStatus } from '../schema';
import type { Tables } from '../tables';
import type { Repository, RepositoryContext, RepositoryOptions } from './contract';
import { UUID_PATTERN } from './query';
import type { Book, NewUserBook, UserBook, UserBookWithBook } from './types';

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
      if (typeof userId !== 'string') throw new ValidationError('UserBook list', [{ path: 'userId', message: 'expected a uuid' }]);
      if (!UUID_PATTERN.test(userId)) return []; // no user has a malformed id, on any provider
      const rows = await read('list', (db) =>
        db
          .select({ entry: userBooks, book: books })
          .from(userBooks)
          .innerJoin(books, and(eq(books.id, userBooks.bookId), isNull(books.deletedAt)))
          .where(and(eq(userBooks.userId, userId), options.status ? eq(userBooks.status, options.status) : undefined))
          .orderBy(desc(userBooks.updatedAt), desc(userBooks.bookId)),
      );
      return rows.map((r) => ({ ...r.entry, book: r.book as Book }));
    },
  };
}
