/**
 * seedDatabase(): writes the small deterministic catalogue of seed-data.ts in one transaction.
 * Idempotent: rows are keyed on natural keys (author name, isbn, email, user+book), so a second run
 * adds nothing and fails on nothing.
 */
import { inArray } from 'drizzle-orm';
import type { DatabaseClient } from './client';
import { SEED_AUTHORS, SEED_BOOKS, SEED_READING, SEED_USERS } from './seed-data';

export interface SeedSummary {
  authors: number;
  books: number;
  users: number;
  userBooks: number;
}

/** Inserts what is missing of the seed catalogue; returns how many rows of each table were added. */
export async function seedDatabase(client: DatabaseClient): Promise<SeedSummary> {
  return client.transaction(async (tx) => {
    const { db, tables: t } = tx;
    const names = SEED_AUTHORS.map((a) => a.name);
    const existing = await db.select({ id: t.authors.id, name: t.authors.name }).from(t.authors).where(inArray(t.authors.name, names));
    const missing = SEED_AUTHORS.filter((a) => !existing.some((e) => e.name === a.name));
    const added = missing.length ? await db.insert(t.authors).values(missing.map((a) => ({ ...a }))).returning({ id: t.authors.id, name: t.authors.name }) : [];
    const authorId = new Map([...existing, ...added].map((a) => [a.name, a.id]));

    const books = await db
      .insert(t.books)
      .values(SEED_BOOKS.map(({ author, ...b }) => ({ ...b, authorId: authorId.get(SEED_AUTHORS[author]!.name)! })))
      .onConflictDoNothing({ target: t.books.isbn })
      .returning({ id: t.books.id });
    const users = await db.insert(t.users).values(SEED_USERS.map((u) => ({ ...u }))).onConflictDoNothing({ target: t.users.email }).returning({ id: t.users.id });

    const bookIds = new Map(
      (await db.select({ id: t.books.id, isbn: t.books.isbn }).from(t.books).where(inArray(t.books.isbn, SEED_BOOKS.map((b) => b.isbn)))).map((b) => [b.isbn, b.id]),
    );
    const userIds = new Map(
      (await db.select({ id: t.users.id, email: t.users.email }).from(t.users).where(inArray(t.users.email, SEED_USERS.map((u) => u.email)))).map((u) => [u.email, u.id]),
    );
    const reading = await db
      .insert(t.userBooks)
      .values(
        SEED_READING.map(([user, book, status, rating]) => ({
          userId: userIds.get(SEED_USERS[user]!.email)!,
          bookId: bookIds.get(SEED_BOOKS[book]!.isbn)!,
          status,
          rating,
        })),
      )
      .onConflictDoNothing()
      .returning({ bookId: t.userBooks.bookId });

    return { authors: added.length, books: books.length, users: users.length, userBooks: reading.length };
  });
}
