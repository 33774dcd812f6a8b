/**
 * The handle every caller gets: one shape on every provider, with the same async transaction API.
 * A transaction handle has the same shape, so repositories take either.
 */
import type { SQL } from 'drizzle-orm';
import * as pgTables from './schema';
import { sqliteTables } from './dialects/sqlite/schema';
import type { ProviderName } from './env';
import { toDbError } from './error-mapping';
import { TransactionConflictError } from './errors';
import type { AppDatabase, Capabilities, ProviderConnection } from './providers/types';

/** The tables of db/schema.ts, typed as the pg tables on every provider (SQLite gets the derived ones). */
export interface Tables {
  users: typeof pgTables.users;
  authors: typeof pgTables.authors;
  books: typeof pgTables.books;
  userBooks: typeof pgTables.userBooks;
}

export interface TransactionOptions {
  /** Retries the whole callback this many times on a transient conflict (40001, 40P01, SQLITE_BUSY). */
  retry?: number;
}

/** A database handle (or a transaction handle: same shape, `inTransaction: true`). */
export interface DatabaseClient {
  readonly provider: ProviderName;
  readonly capabilities: Capabilities;
  /** The Drizzle client (pg-typed on every provider). Prefer repositories; raw use skips the SQLite turn-taking. */
  readonly db: AppDatabase;
  readonly tables: Tables;
  /** Where it points, password masked. */
  readonly target: string;
  readonly inTransaction: boolean;
  /** Runs `fn` in a transaction: all or nothing, rollback on throw, savepoint when nested. */
  transaction<T>(fn: (tx: DatabaseClient) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Runs one unit of non-transaction work, waiting its turn where the provider needs that (SQLite). */
  run<T>(fn: (db: AppDatabase) => Promise<T>): Promise<T>;
  /** Raw SQL → rows as plain objects. */
  execute(query: SQL): Promise<Record<string, unknown>[]>;
  /** The underlying connection (migrations and tools use it). */
  readonly connection: ProviderConnection;
  close(): Promise<void>;
}

// Safe: the derived SQLite tables have the same keys, column names and JS value shapes as the pg ones
// (see db/dialects/sqlite/derive.ts); the cast only changes the dialect brand seen by the type checker.
const SQLITE_TABLES = sqliteTables as unknown as Tables;
/** The pg tables (the declared types, whatever the provider). */
export const PG_TABLES: Tables = { users: pgTables.users, authors: pgTables.authors, books: pgTables.books, userBooks: pgTables.userBooks };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Jittered exponential backoff: 20 ms, 40 ms, 80 ms … (capped at 1 s), each times 0.5–1.5. */
function backoff(attempt: number): number {
  return Math.min(1000, 20 * 2 ** attempt) * (0.5 + Math.random());
}

/** Builds the handle for `connection`; `tx` is set for a handle bound to an open transaction. */
export function createClient(provider: ProviderName, connection: ProviderConnection, tx?: AppDatabase): DatabaseClient {
  const tables = connection.capabilities.family === 'sqlite' ? SQLITE_TABLES : PG_TABLES;
  const db = tx ?? connection.db;
  const serialize = tx ? undefined : connection.serialize;

  const once = <T>(fn: (tx: DatabaseClient) => Promise<T>) =>
    connection.runTransaction(tx ?? connection.transactionDb, (inner) => fn(createClient(provider, connection, inner)));

  const client: DatabaseClient = {
    provider,
    capabilities: connection.capabilities,
    db,
    tables,
    target: connection.target,
    inTransaction: tx !== undefined,
    connection,
    async transaction(fn, options = {}) {
      const retries = tx ? 0 : Math.max(0, options.retry ?? 0);
      for (let attempt = 0; ; attempt++) {
        try {
          return await once(fn);
        } catch (error) {
          const mapped = toDbError(error, 'transaction');
          if (!(mapped instanceof TransactionConflictError) || attempt >= retries) {
            // Errors the callback threw on purpose reach the caller unchanged.
            throw mapped === error || isDriverError(error) ? mapped : error;
          }
          await sleep(backoff(attempt));
        }
      }
    },
    run: (fn) => (serialize ? serialize(() => fn(db)) : fn(db)),
    async execute(query) {
      try {
        return await (serialize ? serialize(() => connection.execute(db, query)) : connection.execute(db, query));
      } catch (error) {
        throw toDbError(error);
      }
    },
    close: () => connection.close(),
  };
  return client;
}

/** True for errors raised by a driver or Drizzle (they carry a code somewhere in their cause chain). */
function isDriverError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (typeof (current as { code?: unknown }).code === 'string') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
