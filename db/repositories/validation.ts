/**
 * Input validation with zod schemas derived from every table (drizzle-zod): unknown keys are rejected,
 * the key and managed timestamps cannot be set by update. The example catalogue adds the rules its check
 * constraints also enforce, so a bad row fails before any SQL runs, with every problem listed.
 */
import { createInsertSchema, createUpdateSchema } from 'drizzle-zod';
import { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors';
import { READING_STATUSES } from '../schema';
import type { TableInfo, TableKey } from '../tables';
import { writtenRowForm, writtenRowRules } from './written';

/** Per-field zod overrides: a schema, or a function refining drizzle-zod's own. */
type Refinement = Record<string, z.ZodType | ((schema: z.ZodString) => z.ZodType)>;

const json = z.record(z.string(), z.unknown());
const year = z.number().int().min(-3000).max(3000);

/** The example catalogue's rules (check constraints of db/schema.ts repeated so they fail before SQL). */
const RULES: Partial<Record<TableKey, Refinement>> = {
  users: { email: (s) => s.email().max(320), metadata: json.nullish() },
  authors: { name: (s) => s.min(1), birthYear: year.nullish(), metadata: json.nullish() },
  books: {
    title: (s) => s.min(1),
    rating: z.number().min(0).max(5).nullish(),
    price: z.number().min(0).max(99_999_999.99).nullish(),
    pages: z.number().int().positive().nullish(),
    publishedYear: year.nullish(),
    metadata: json.nullish(),
  },
  userBooks: { status: z.enum(READING_STATUSES).optional(), rating: z.number().int().min(1).max(5).nullish() },
};

export interface Validators {
  insert: z.ZodType;
  update: z.ZodType;
}

const cache = new Map<TableKey, Validators>();

// zod's omit() is typed for literal keys; these are checked against the table's columns instead.
const fieldsOf = (info: TableInfo, names: string[]) => Object.fromEntries(names.filter((n) => info.columns.includes(n)).map((n) => [n, true])) as never;

/** The insert and update validators of a table (built once). */
export function validatorsFor(info: TableInfo): Validators {
  let found = cache.get(info.key);
  if (!found) {
    // drizzle-zod's refinement parameter is typed per table; this map is checked against the columns at run time instead.
    const refine = (RULES[info.key] ?? {}) as never;
    const rules = writtenRowRules(info);
    const form = writtenRowForm(info);
    found = {
      insert: createInsertSchema(info.declared, refine)
        .omit(fieldsOf(info, ['deletedAt']))
        .strict()
        .superRefine(rules)
        .transform(form),
      update: createUpdateSchema(info.declared, refine)
        .omit(fieldsOf(info, [...info.primaryKey, 'createdAt', 'deletedAt']))
        .strict()
        .superRefine(rules)
        .transform(form),
    };
    cache.set(info.key, found);
  }
  return found;
}

/** Parses `data` with `schema`; throws ValidationError listing each field path and problem. */
export function validate<S extends z.ZodType>(schema: S, data: unknown, subject: string): z.output<S> {
  let issues: ValidationIssue[];
  try {
    const result = schema.safeParse(data);
    if (result.success) return result.data;
    // zod builds the messages lazily, looking at the input again: inside the try as well.
    issues = result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  } catch {
    // zod reads every field; a getter or proxy that throws is bad input, not a crash.
    throw new ValidationError(subject, [{ path: '', message: 'could not be read (a getter or proxy threw)' }]);
  }
  throw new ValidationError(subject, issues);
}
