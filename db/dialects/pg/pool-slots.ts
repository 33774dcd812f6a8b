/**
 * DB_POOL_TIMEOUT: a bounded wait for a connection of the pool. postgres.js queues work for a busy pool with
 * no limit, so poolMax transactions held open made every other caller wait for ever. Here each top-level
 * transaction and each plain query takes one of poolMax slots before it reaches the driver; a caller that
 * finds none free within the timeout gets a PoolTimeoutError and nothing was sent (the driver never saw it).
 * Work inside a transaction runs on the transaction's connection and takes no second slot.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { PoolTimeoutError } from '../../errors';
import type { ProviderConnection, TransactionRunner } from '../../providers/types';

export interface PoolSlotsOptions {
  poolMax: number;
  /** Seconds to wait for a slot. */
  timeout: number;
  /** False where plain queries use no pooled connection (Neon over HTTP): only transactions take slots. */
  queries: boolean;
}

/** A runner called with a transaction makes a savepoint on the transaction's own connection. */
const isSavepoint = (db: unknown): boolean => db instanceof PgTransaction;

/** Wraps a Postgres connection so that waiting for a pooled connection ends after `timeout` seconds. */
export function withPoolSlots(connection: ProviderConnection, options: PoolSlotsOptions): ProviderConnection {
  const holding = new AsyncLocalStorage<true>();
  const waiting: (() => void)[] = [];
  let free = options.poolMax;

  const acquire = (): Promise<void> | undefined => {
    if (free > 0) {
      free--;
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const granted = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(granted), 1);
        reject(new PoolTimeoutError(options.poolMax, options.timeout));
      }, options.timeout * 1000);
      waiting.push(granted);
    });
  };
  // A freed slot goes straight to the longest waiter, so a new caller cannot overtake it.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  const inSlot = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (holding.getStore()) return fn();
    await acquire();
    try {
      return await holding.run(true, fn);
    } finally {
      release();
    }
  };

  const runTransaction: TransactionRunner = (db, fn, ...settings) => (isSavepoint(db) ? connection.runTransaction(db, fn, ...settings) : inSlot(() => connection.runTransaction(db, fn, ...settings)));
  const serialize = connection.serialize;
  return {
    ...connection,
    runTransaction,
    ...(options.queries ? { serialize: <T>(fn: () => Promise<T>) => inSlot(() => (serialize ? serialize(fn) : fn())) } : {}),
  };
}
