/**
 * The SQLite tables, derived from db/schema.ts. drizzle-kit only sees top-level named exports, so each
 * table is exported by name (a new table in db/schema.ts must be added here too; a test checks that).
 */
import * as pgSchema from '../../schema';
import { deriveSqliteTables } from './derive';

const derived = deriveSqliteTables(pgSchema);

export const { users, authors, books, userBooks } = derived;

/** Every derived table, keyed like the exports of db/schema.ts. */
export const sqliteTables = derived;
