/** Books (example domain): catalogue search, the book with its author, and statistics. */
import { avg, count, eq } from 'drizzle-orm';
import { ValidationError } from '../errors';
import type { Tables } from '../tables';
import type { Repository, RepositoryContext, RepositoryOptions } from './contract';
import { isList, readRecord } from './input';
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
export function booksDomain(base: Repository<Tables['books']>, { tables, live, read, isKey }: RepositoryContext<Tables['books']>) {
  const { authors, books } = tables;
  return {
    /** Live books matching every given criterion, best rated first. */
    async search(criteria: BookSearch = {}): Promise<Book[]> {
      // Typed as BookSearch only for the call below: findMany checks every value against its column.
      const c = readRecord('Book search', 'criteria', criteria, ['query', 'genre', 'minRating', 'authorId', 'limit']) as BookSearch;
      for (const [key, value] of Object.entries(c)) {
        // null would turn genre or authorId into "IS NULL"; a list into an IN list: neither is a search criterion.
        if (value === null || isList(value)) throw new ValidationError('Book search', [{ path: key, message: 'expected a single value; leave a criterion out to not filter on it' }]);
      }
      return base.findMany({
        filters: {
          search: c.query,
          genre: c.genre,
          authorId: c.authorId,
          rating: c.minRating === undefined ? undefined : { gte: c.minRating },
        },
        orderBy: [{ field: 'rating', direction: 'desc' }, { field: 'title' }],
        pagination: { limit: c.limit === undefined ? 20 : c.limit },
      });
    },

    /** The live book with its author (one round trip), or null. */
    async findByIdWithAuthor(id: number): Promise<BookWithAuthor | null> {
      if (!isKey(id)) return null; // e.g. 2**40: no row has it, and Postgres would refuse it as int4
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
