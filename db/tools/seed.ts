/**
 * seedDatabase(): deterministic, realistic data (db/seed-generator.ts) written in ONE transaction, so a
 * killed run leaves nothing half-done. Idempotent: rows are keyed on natural keys (author name, isbn,
 * email, user+book); a second run adds nothing. Bulk paths skip per-row validation: the data is ours.
 */
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DatabaseClient } from '../client';
import { bulkInsert } from '../dialects';
import { internalsOf } from '../internals';
import { SCHEMA_TABLES } from '../tables';
import { SEED_BOOKS } from './seed-data';
import { planSeed } from './seed-generator';

export interface SeedOptions {
  /** How many books (default: the 10 curated ones). */
  count?: number;
  /** PRNG seed: the same seed gives the same rows on every provider (default 1). */
  seed?: number;
  /** Delete every row of every table of the schema first (children first). */
  reset?: boolean;
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface SeedSummary {
  authors: number;
  books: number;
  users: number;
  userBooks: number;
}

/** Inserts what is missing of the planned catalogue; returns how many rows of each table were added. */
export async function seedDatabase(client: DatabaseClient, options: SeedOptions = {}): Promise<SeedSummary> {
  const plan = planSeed(options.count ?? SEED_BOOKS.length, options.seed ?? 1);
  const progress = options.onProgress ?? (() => undefined);
  return client.transaction(async (tx) => {
    const { db, tables: t, dialect } = internalsOf(tx);
    if (options.reset) {
      for (const info of [...SCHEMA_TABLES].reverse()) await db.delete(t[info.key]);
    }
    const write = async (step: string, table: PgTable, rows: Record<string, unknown>[]) => {
      progress(step, 0, rows.length);
      const n = await bulkInsert(dialect, db, table, rows);
      progress(step, rows.length, rows.length);
      return n;
    };

    const authorIds = async () => new Map((await db.select({ id: t.authors.id, name: t.authors.name }).from(t.authors)).map((a) => [a.name, a.id]));
    let byName = await authorIds();
    const authors = await write(
      'authors',
      t.authors,
      plan.authors.filter((a) => !byName.has(a.name)),
    );
    byName = await authorIds();

    const isbns = new Set((await db.select({ isbn: t.books.isbn }).from(t.books)).map((b) => b.isbn));
    const newBooks = plan.books.filter((b) => !isbns.has(b.isbn)).map(({ authorName, ...b }) => ({ ...b, authorId: byName.get(authorName)! }));
    const books = await write('books', t.books, newBooks);

    const emails = new Set((await db.select({ email: t.users.email }).from(t.users)).map((u) => u.email));
    const users = await write(
      'users',
      t.users,
      plan.users.filter((u) => !emails.has(u.email)),
    );

    const userId = new Map((await db.select({ id: t.users.id, email: t.users.email }).from(t.users)).map((u) => [u.email, u.id]));
    const bookId = new Map((await db.select({ id: t.books.id, isbn: t.books.isbn }).from(t.books)).map((b) => [b.isbn, b.id]));
    const existing = new Set((await db.select({ u: t.userBooks.userId, b: t.userBooks.bookId }).from(t.userBooks)).map((r) => `${r.u}|${r.b}`));
    const reading = plan.reading
      .map((r) => ({ userId: userId.get(r.email)!, bookId: bookId.get(r.isbn)!, status: r.status, rating: r.rating }))
      .filter((r) => !existing.has(`${r.userId}|${r.bookId}`));
    const userBooks = await write('user_books', t.userBooks, reading);

    return { authors, books, users, userBooks };
  });
}
