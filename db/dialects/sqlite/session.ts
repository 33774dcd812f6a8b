/**
 * The SQLite session: raw execution, and async transactions made safe on one synchronous connection.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import type { AppDatabase, TransactionRunner } from '../../providers/types';
import { explainForeignKeyError, rememberFailedStatements } from './foreign-keys';
import { Mutex } from './mutex';
import { asSqliteDatabase } from './tables';

/** Runs raw SQL on the SQLite client and returns rows as plain objects. */
export async function sqliteExecute(db: AppDatabase, query: SQL): Promise<Record<string, unknown>[]> {
  const sqlite = asSqliteDatabase(db);
  try {
    return sqlite.all<Record<string, unknown>>(query);
  } catch (error) {
    // better-sqlite3 refuses all() for statements without a result (INSERT without RETURNING, DDL).
    if (!(error instanceof TypeError) || !/does not return data/.test(error.message)) throw error;
    sqlite.run(query);
    return [];
  }
}

/**
 * Async transactions on one better-sqlite3 connection. Everything on the connection takes turns through
 * one mutex; code running inside a transaction (tracked with AsyncLocalStorage) goes straight through, so
 * a write after an `await` in the callback is still inside the transaction and no other caller can
 * slip a statement into it.
 */
export function createSqliteSession(native: Database.Database) {
  rememberFailedStatements(native);
  const mutex = new Mutex();
  const context = new AsyncLocalStorage<{ depth: number }>();
  // Every savepoint gets its own name: ROLLBACK TO and RELEASE act on the newest savepoint of a name.
  let savepoints = 0;

  // A failure is explained while this caller still has the connection, before anything else runs on it.
  const explained = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      explainForeignKeyError(native, error);
      throw error;
    }
  };
  const serialize = async <T>(fn: () => Promise<T>): Promise<T> => (context.getStore() ? explained(fn) : mutex.run(() => explained(fn)));

  // Every isolation level is met without asking: one connection, and BEGIN IMMEDIATE takes the write lock at
  // the start, so transactions run one after another (serializable), whatever level the caller asked for.
  const runTransaction: TransactionRunner = async (db, fn) => {
    const outer = context.getStore();
    if (outer) {
      const name = `sp_${++savepoints}`;
      native.exec(`SAVEPOINT ${name}`);
      try {
        const result = await context.run({ depth: outer.depth + 1 }, () => fn(db));
        native.exec(`RELEASE ${name}`);
        return result;
      } catch (error) {
        native.exec(`ROLLBACK TO ${name}`);
        native.exec(`RELEASE ${name}`);
        throw error;
      }
    }
    return mutex.run(async () => {
      native.exec('BEGIN IMMEDIATE');
      try {
        const result = await context.run({ depth: 0 }, () => fn(db));
        native.exec('COMMIT');
        return result;
      } catch (error) {
        if (native.inTransaction) native.exec('ROLLBACK');
        throw error;
      }
    });
  };

  return { serialize, runTransaction };
}
