/** Books (example domain): catalogue search, the book with its author, and statistics. */
import { avg, count, eq } from 'drizzle-orm';
import type { Tables } from '../tables';
import type { Repository, RepositoryContext, RepositoryOptions } from './contract';
import type { Book, BookWithAuthor } from './types';

export interface BookSearch {
  query?: string;
  genre?: string;
  minRating?: number;
  authorId?: number;
  limit?: number;
}

export const booksOptions: RepositoryOptions = { entity: 'Book', searchable: ['title', 'genre', 'isbn'] };

/** The books domain methods. */
export function booksDomain(base: Repository<Tables['books']>, { tables, live, read }: RepositoryContext<Tables['books']>) {
  const { authors, books } = tables;
  return {
    /** Live books matching every given criterion, best rated first. */
    search: (criteria: BookSearch = {}): Promise<Book[]> =>
      base.findMany({
        filters: {
          search: criteria.query,
          genre: criteria.genre,
          authorId: criteria.authorId,
          rating: criteria.minRating === undefined ? undefined : { gte: criteria.minRating },
        },
        orderBy: [{ field: 'rating', direction: 'desc' }, { field: 'title' }],
        pagination: { limit: criteria.limit ?? 20 },
      }),

    /** The live book with its author (one round trip), or null. */
    async findByIdWithAuthor(id: number): Promise<BookWithAuthor | null> {
      if (!Number.isSafeInteger(id)) return null;
      const [row] = await read('with author', (db) =>
        db
          .select({ book: books, author: authors })
          .from(books)
          .innerJoin(authors, eq(authors.id, books.authorId))
          .where(live(eq(books.id, id)))
          .limit(1),
      );
      return row ? { ...row.book, author: row.author } : null;
    },

    /** Live books: total, average rating (null when none is rated) and counts by genre ('unknown' when unset). */
    async getStats(): Promise<{ total: number; averageRating: number | null; byGenre: Record<string, number> }> {
      const [rows, [overall]] = await Promise.all([
        read('stats', (db) => db.select({ genre: books.genre, n: count() }).from(books).where(live(undefined)).groupBy(books.genre)),
        read('stats', (db) =>
          db
            .select({ n: count(), average: avg(books.rating) })
            .from(books)
            .where(live(undefined)),
        ),
      ]);
      const byGenre: Record<string, number> = {};
      for (const r of rows) byGenre[r.genre ?? 'unknown'] = Number(r.n);
      return {
        total: Number(overall?.n ?? 0),
        averageRating: overall?.average == null ? null : Number(overall.average),
        byGenre,
      };
    },
  };
}
