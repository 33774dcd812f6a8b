/** Authors: generic CRUD plus their books, search, featured authors and statistics. */
import { and, count, desc, eq, isNull, max, sql } from 'drizzle-orm';
import type { DatabaseClient } from '../client';
import { createBaseRepository } from './base';
import type { Author, AuthorUpdate, AuthorWithBooks, Book, NewAuthor } from './types';
import { schemas } from './validation';

/** The authors repository for a handle (or a transaction handle). */
export function createAuthorsRepository(client: DatabaseClient) {
  const { table: _table, columns: _columns, live, run: read, ...base } = createBaseRepository<Author, NewAuthor, AuthorUpdate, number>(client, {
    entity: 'Author',
    table: (t) => t.authors,
    keys: ['id'],
    searchable: ['name', 'bio', 'nationality'],
    insert: schemas.authors.insert,
    update: schemas.authors.update,
  });
  const { authors, books } = client.tables;

  return {
    ...base,

    /** The author with their live books (one round trip), or null. */
    async findByIdWithBooks(id: number): Promise<AuthorWithBooks | null> {
      if (!Number.isSafeInteger(id)) return null;
      const rows = await read('with books', (db) =>
        db
          .select({ author: authors, book: books })
          .from(authors)
          .leftJoin(books, and(eq(books.authorId, authors.id), isNull(books.deletedAt)))
          .where(live(eq(authors.id, id)))
          .orderBy(books.id),
      );
      const first = rows[0];
      if (!first) return null;
      return { ...first.author, books: rows.flatMap((r) => (r.book ? [r.book as Book] : [])) };
    },

    /** Authors whose name, bio or nationality contains `text` (case-insensitive), by name. */
    search: (text: string, limit = 50): Promise<Author[]> =>
      base.findMany({ filters: { search: text }, orderBy: { field: 'name' }, pagination: { limit } }),

    /** The `n` authors whose best live book is rated highest. */
    async getFeatured(n = 5): Promise<(Author & { topRating: number })[]> {
      const top = max(books.rating);
      const rows = await read('featured', (db) =>
        db
          .select({ author: authors, topRating: top })
          .from(authors)
          .innerJoin(books, and(eq(books.authorId, authors.id), isNull(books.deletedAt)))
          .where(live(sql`${books.rating} is not null`))
          .groupBy(authors.id)
          .orderBy(desc(top), authors.id)
          .limit(n),
      );
      return rows.map((r) => ({ ...r.author, topRating: Number(r.topRating) }));
    },

    /** Live authors counted by nationality ('unknown' when not set). */
    async getStats(): Promise<{ total: number; byNationality: Record<string, number> }> {
      const rows = await read('stats', (db) =>
        db.select({ nationality: authors.nationality, n: count() }).from(authors).where(live(undefined)).groupBy(authors.nationality),
      );
      const byNationality: Record<string, number> = {};
      for (const r of rows) byNationality[r.nationality ?? 'unknown'] = Number(r.n);
      return { total: Object.values(byNationality).reduce((a, b) => a + b, 0), byNationality };
    },
  };
}

export type AuthorsRepository = ReturnType<typeof createAuthorsRepository>;
