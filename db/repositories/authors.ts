/** Authors (example domain): their books, search, featured authors and statistics. */
import { and, count, desc, eq, isNull, max, sql } from 'drizzle-orm';
import { ValidationError } from '../errors';
import type { Tables } from '../tables';
import type { Repository, RepositoryContext, RepositoryOptions } from './contract';
import { MAX_LIMIT } from './options';
import type { Author, AuthorWithBooks, Book } from './types';

export const authorsOptions: RepositoryOptions = { entity: 'Author', searchable: ['name', 'bio', 'nationality'] };

/** The authors domain methods. */
export function authorsDomain(base: Repository<Tables['authors']>, { tables, live, read, isKey }: RepositoryContext<Tables['authors']>) {
  const { authors, books } = tables;

  return {
    /** The author with their live books (one round trip), or null. */
    async findByIdWithBooks(id: number): Promise<AuthorWithBooks | null> {
      if (!isKey(id)) return null; // e.g. 2**40: no row has it, and Postgres would refuse it as int4
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
    search: (text: string, limit = 50): Promise<Author[]> => base.findMany({ filters: { search: text }, orderBy: { field: 'name' }, pagination: { limit } }),

    /** The `n` authors whose best live book is rated highest. */
    async getFeatured(n = 5): Promise<(Author & { topRating: number })[]> {
      // SQLite reads LIMIT -1 or NULL as "no limit" where Postgres refuses or ignores it: one rule instead.
      if (!Number.isSafeInteger(n) || n < 0 || n > MAX_LIMIT) throw new ValidationError('Author featured', [{ path: 'n', message: `must be an integer from 0 to ${MAX_LIMIT}` }]);
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
      const rows = await read('stats', (db) => db.select({ nationality: authors.nationality, n: count() }).from(authors).where(live(undefined)).groupBy(authors.nationality));
      const byNationality: Record<string, number> = {};
      for (const r of rows) byNationality[r.nationality ?? 'unknown'] = Number(r.n);
      return { total: Object.values(byNationality).reduce((a, b) => a + b, 0), byNationality };
    },
  };
}
