/** Books: generic CRUD plus catalogue search, the book with its author, and statistics. */
import { avg, count, eq } from 'drizzle-orm';
import type { DatabaseClient } from '../client';
import { createBaseRepository } from './base';
import type { Book, BookUpdate, BookWithAuthor, NewBook } from './types';
import { schemas } from './validation';

export interface BookSearch {
  query?: string;
  genre?: string;
  minRating?: number;
  authorId?: number;
  limit?: number;
}

/** The books repository for a handle (or a transaction handle). */
export function createBooksRepository(client: DatabaseClient) {
  const { table: _table, columns: _columns, live, run: read, ...base } = createBaseRepository<Book, NewBook, BookUpdate, number>(client, {
    entity: 'Book',
    table: (t) => t.books,
    keys: ['id'],
    searchable: ['title', 'genre', 'isbn'],
    insert: schemas.books.insert,
    update: schemas.books.update,
  });
  const { authors, books } = client.tables;

  return {
    ...base,

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
        db.select({ book: books, author: authors }).from(books).innerJoin(authors, eq(authors.id, books.authorId)).where(live(eq(books.id, id))).limit(1),
      );
      return row ? { ...row.book, author: row.author } : null;
    },

    /** Live books: total, average rating (null when none is rated) and counts by genre ('unknown' when unset). */
    async getStats(): Promise<{ total: number; averageRating: number | null; byGenre: Record<string, number> }> {
      const [rows, [overall]] = await Promise.all([
        read('stats', (db) => db.select({ genre: books.genre, n: count() }).from(books).where(live(undefined)).groupBy(books.genre)),
        read('stats', (db) => db.select({ n: count(), average: avg(books.rating) }).from(books).where(live(undefined))),
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

export type BooksRepository = ReturnType<typeof createBooksRepository>;
