/**
 * The Postgres family: raw SQL execution normalised to plain rows, and transactions via Drizzle
 * (nested calls become savepoints).
 */
import type { SQL } from 'drizzle-orm';
import type { AppDatabase, TransactionRunner } from '../../providers/types';

/** Runs raw SQL on any Postgres Drizzle client (postgres.js, neon ws, neon http) and returns rows. */
export async function pgExecute(db: AppDatabase, query: SQL): Promise<Record<string, unknown>[]> {
  const result: unknown = await db.execute(query);
  // postgres.js returns an array of rows; the neon drivers return { rows }.
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  const rows = (result as { rows?: unknown }).rows;
  return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
}

/**
 * Drizzle's own transaction: BEGIN/COMMIT on a pooled connection, SAVEPOINT when `db` is a transaction. An
 * isolation level is the transaction's first statement (postgres.js: SET TRANSACTION after BEGIN; neon: BEGIN
 * ISOLATION LEVEL …), so it holds behind a transaction pooler too.
 */
export const pgRunTransaction: TransactionRunner = (db, fn, config) => db.transaction((tx) => fn(tx), config?.isolation ? { isolationLevel: config.isolation } : undefined);
