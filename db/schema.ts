/**
 * The ONE schema of the book catalogue, written in ordinary Drizzle (pg-core).
 *
 * Postgres providers use these tables as they are; the SQLite tables are derived from them
 * (db/dialects/sqlite/derive.ts), so a change here is a change everywhere. Keep to constructs that
 * have a faithful SQLite form (the derivation names the table.column of any that do not).
 *
 * Decimal choice: `books.price` is numeric(10,2) in Postgres (exact storage) and is read as a JavaScript
 * number on every provider (`mode: 'number'`), so rows have one shape. Round to cents at the edges;
 * if you need exact decimal arithmetic, keep integer cents in a separate column.
 */
import { relations, sql } from 'drizzle-orm';
import { feedChangesOf } from './change-feed/declare';
import { boolean, check, doublePrecision, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** Reading statuses a user can give a book. */
export const READING_STATUSES = ['want_to_read', 'reading', 'read'] as const;
export type ReadingStatus = (typeof READING_STATUSES)[number];

/** Free-form JSON attached to a row. */
export type Metadata = Record<string, unknown>;

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const deletedAt = () => timestamp('deleted_at', { withTimezone: true, mode: 'date' });

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name'),
    metadata: jsonb('metadata').$type<Metadata>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  // Unique among live rows only: a soft-deleted user does not hold on to its email (see README, "Soft delete").
  (t) => [uniqueIndex('users_email_live_unique').on(t.email).where(sql`${t.deletedAt} is null`)],
);

export const authors = pgTable('authors', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull(),
  bio: text('bio'),
  nationality: text('nationality'),
  birthYear: integer('birth_year'),
  metadata: jsonb('metadata').$type<Metadata>(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  deletedAt: deletedAt(),
});

export const books = pgTable(
  'books',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    title: text('title').notNull(),
    authorId: integer('author_id')
      .notNull()
      .references(() => authors.id, { onDelete: 'restrict' }),
    genre: text('genre'),
    isbn: text('isbn'),
    publishedYear: integer('published_year'),
    pages: integer('pages'),
    price: numeric('price', { precision: 10, scale: 2, mode: 'number' }),
    rating: doublePrecision('rating'),
    inStock: boolean('in_stock').notNull().default(true),
    metadata: jsonb('metadata').$type<Metadata>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    uniqueIndex('books_isbn_live_unique').on(t.isbn).where(sql`${t.deletedAt} is null`),
    index('books_author_id_idx').on(t.authorId),
    index('books_genre_idx').on(t.genre),
    // (rating, id): keyset pages in rating order seek straight to the cursor, NULL ratings included (README, Performance).
    index('books_rating_idx').on(t.rating, t.id),
    check('books_rating_range', sql`${t.rating} >= 0 and ${t.rating} <= 5`),
  ],
);

export const userBooks = pgTable(
  'user_books',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    bookId: integer('book_id')
      .notNull()
      .references(() => books.id, { onDelete: 'cascade' }),
    status: text('status', { enum: READING_STATUSES }).notNull().default('want_to_read'),
    rating: integer('rating'),
    review: text('review'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.bookId] }),
    index('user_books_book_id_idx').on(t.bookId),
    check('user_books_status_valid', sql`${t.status} in (${sql.raw(READING_STATUSES.map((s) => `'${s}'`).join(', '))})`),
    check('user_books_rating_range', sql`${t.rating} >= 1 and ${t.rating} <= 5`),
  ],
);

export const usersRelations = relations(users, ({ many }) => ({ userBooks: many(userBooks) }));
export const authorsRelations = relations(authors, ({ many }) => ({ books: many(books) }));
export const booksRelations = relations(books, ({ one, many }) => ({
  author: one(authors, { fields: [books.authorId], references: [authors.id] }),
  userBooks: many(userBooks),
}));
export const userBooksRelations = relations(userBooks, ({ one }) => ({
  user: one(users, { fields: [userBooks.userId], references: [users.id] }),
  book: one(books, { fields: [userBooks.bookId], references: [books.id] }),
}));

/**
 * Tables whose changes `db.subscribe()` delivers (README, "Change feed"). Adding or removing one here and running
 * `npm run db:generate:all` writes the triggers into each provider's migrations.
 */
export const changeFeed = feedChangesOf(authors, books, userBooks);
