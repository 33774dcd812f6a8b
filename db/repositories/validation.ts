/**
 * Input validation with zod schemas derived from the tables (drizzle-zod), plus the few rules the
 * database also enforces (rating ranges) so bad rows fail before any SQL runs, with every problem listed.
 */
import { createInsertSchema, createUpdateSchema } from 'drizzle-zod';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { authors, books, READING_STATUSES, userBooks, users } from '../schema';

const json = z.record(z.string(), z.unknown());
const year = z.number().int().min(-3000).max(3000);

// The check constraints of db/schema.ts, repeated here so a bad row fails before any SQL runs.
const bookRules = {
  title: (s: z.ZodString) => s.min(1),
  rating: z.number().min(0).max(5).nullish(),
  price: z.number().min(0).max(99_999_999.99).nullish(),
  pages: z.number().int().positive().nullish(),
  publishedYear: year.nullish(),
  metadata: json.nullish(),
};

export const schemas = {
  users: {
    insert: createInsertSchema(users, { email: (s) => s.email().max(320), metadata: json.nullish() }).omit({ deletedAt: true }).strict(),
    update: createUpdateSchema(users, { email: (s) => s.email().max(320), metadata: json.nullish() }).omit({ id: true, createdAt: true, deletedAt: true }).strict(),
  },
  authors: {
    insert: createInsertSchema(authors, { name: (s) => s.min(1), birthYear: year.nullish(), metadata: json.nullish() }).omit({ deletedAt: true }).strict(),
    update: createUpdateSchema(authors, { name: (s) => s.min(1), birthYear: year.nullish(), metadata: json.nullish() }).omit({ id: true, createdAt: true, deletedAt: true }).strict(),
  },
  books: {
    insert: createInsertSchema(books, bookRules).omit({ deletedAt: true }).strict(),
    update: createUpdateSchema(books, bookRules).omit({ id: true, createdAt: true, deletedAt: true }).strict(),
  },
  userBooks: {
    insert: createInsertSchema(userBooks, { status: z.enum(READING_STATUSES).optional(), rating: z.number().int().min(1).max(5).nullish() }).strict(),
    update: createUpdateSchema(userBooks, { status: z.enum(READING_STATUSES).optional(), rating: z.number().int().min(1).max(5).nullish() }).omit({
      userId: true,
      bookId: true,
      createdAt: true,
    }).strict(),
  },
} as const;

/** Parses `data` with `schema`; throws ValidationError listing each field path and problem. */
export function validate<S extends z.ZodType>(schema: S, data: unknown, subject: string): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new ValidationError(
    subject,
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}
