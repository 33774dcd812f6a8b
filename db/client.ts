/**
 * The handle every caller gets, with the same async transaction API on every provider. A transaction
 * handle has the same shape, so repositories take either. `db` and `tables` are typed by the handle's
 * `dialect`: narrow on it before using the raw Drizzle client (`if (client.dialect === 'pg') …`), so a
 * Postgres-only call cannot compile against a SQLite handle.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SQL } from 'drizzle-orm';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { type ChangeEvent, type SubscribeOptions, stopSubscriptions, subscribe, type Unsubscribe } from './change-feed/subscribe';
import type { FedTableKey } from './change-feed/tables';
import { visibleTo } from './change-feed/visibility';
import { DIALECTS } from './dialects';
import type { SqliteRelationalSchema, SqliteTables } from './dialects/sqlite/tables';
import type { ProviderName } from './env';
import { toDbError } from './error-mapping';
import { CommitOutcomeError, DbError, OuterHandleError, TransactionConflictError, ValidationError } from './errors';
import { register } from './internals';
import type { AppDatabase, Capabilities, IsolationLevel, ProviderConnection, TransactionConfig, TransactionRunner } from './providers/types';
import type { RelationalSchema, Tables } from './tables';
import { transactionConfig } from './transaction-options';

export interface TransactionOptions {
  /**
   * Retries the whole callback this many times on a transient conflict (40001, 40P01, SQLITE_BUSY) and on a
   * CommitOutcomeError whose outcome is 'rolled back' (never on 'committed' or 'unknown').
   */
  retry?: number;
  /**
   * The isolation level of the BEGIN on Postgres providers (default: the server's, normally read committed).
   * 'serializable' and 'repeatable read' turn a lost update into a conflict: pair them with `retry`. SQLite
   * transactions already run one at a time, so every level is met there. Not allowed on a nested call.
   */
  isolation?: IsolationLevel;
}

interface HandleBase {
  readonly provider: ProviderName;
  readonly capabilities: Capabilities;
  /** Where it points, password masked. */
  readonly target: string;
  readonly inTransaction: boolean;
  /** Runs `fn` in a transaction: all or nothing, rollback on throw, savepoint when nested. */
  transaction<T>(fn: (tx: DatabaseClient) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Raw SQL → rows as plain objects (waits its turn on SQLite). */
  execute(query: SQL): Promise<Record<string, unknown>[]>;
  /**
   * Delivers committed changes to a fed table, in commit order, from `options.since` or from now; resolves once
   * it is reading, to the function that stops it (README, "Change feed"). Not on a transaction handle.
   */
  subscribe<K extends FedTableKey>(table: K, handler: (event: ChangeEvent<K>) => unknown, options?: SubscribeOptions): Promise<Unsubscribe>;
  /** Stops this handle's subscriptions, then closes its connections (a borrowed handle leaves both to its parent). */
  close(): Promise<void>;
}

/** A handle on a Postgres provider (local, supabase, neon). */
export interface PgClient extends HandleBase {
  readonly dialect: 'pg';
  /** The Drizzle client, with the schema's relations (`db.query.books.findMany({ with: { author: true } })`). */
  readonly db: PgDatabase<PgQueryResultHKT, RelationalSchema>;
  readonly tables: Tables;
}

/** A handle on the SQLite provider. Raw use of `db` skips the turn-taking that keeps transactions whole. */
export interface SqliteClient extends HandleBase {
  readonly dialect: 'sqlite';
  /** The better-sqlite3 Drizzle client over the derived tables and relations. */
  readonly db: BetterSQLite3Database<SqliteRelationalSchema>;
  readonly tables: SqliteTables;
}

/** A database handle (or a transaction handle: same shape, `inTransaction: true`). */
export type DatabaseClient = PgClient | SqliteClient;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Jittered exponential backoff: 20 ms, 40 ms, 80 ms … (capped at 1 s), each times 0.5–1.5. */
function backoff(attempt: number): number {
  return Math.min(1000, 20 * 2 ** attempt) * (0.5 + Math.random());
}

/** What a provider module made, plus what is known about it before connecting. */
export interface OpenedProvider {
  provider: ProviderName;
  capabilities: Capabilities;
  target: string;
  /** Connections the handle may open (1 on a single-connection provider). */
  poolMax: number;
  connection: ProviderConnection;
  /**
   * Runs first in every transaction the handle begins; a handle with one runs each query in a transaction
   * of its own, so what the prelude sets (SET LOCAL) holds for that query and ends with it (db/row-security.ts).
   */
  prelude?: (tx: AppDatabase) => Promise<void>;
  /** The connection belongs to another handle: close() leaves it open. */
  borrowed?: boolean;
}

/** Builds the handle for an opened provider; `tx` is set for a handle bound to an open transaction. */
export function createClient(opened: OpenedProvider, tx?: AppDatabase): DatabaseClient {
  const { connection, capabilities } = opened;
  const dialect = DIALECTS[capabilities.family];
  const db = tx ?? connection.db;
  // A transaction handle goes through it too: inside its transaction it passes straight through (sqlite/session.ts).
  const serialize = connection.serialize;
  const scope = transactionScope(connection);
  /** The outer handle used inside its own transaction callback would run outside the transaction on Postgres (and can wait forever on a small pool) but inside it on SQLite: refused on both. */
  const checkOuter = (what: string) => {
    if (!tx && scope.getStore()) throw new OuterHandleError(opened.provider, what);
  };
  const prelude = tx ? undefined : opened.prelude;
  const run = <T>(fn: (db: AppDatabase) => Promise<T>): Promise<T> => {
    checkOuter('a query');
    if (prelude) {
      const scoped = async (inner: AppDatabase) => {
        await prelude(inner);
        return fn(inner);
      };
      return connection.runTransaction(connection.transactionDb, scoped, transactionConfig(undefined, false));
    }
    return serialize ? serialize(() => fn(db)) : fn(db);
  };

  // Savepoints on one transaction form a stack: two open at once release or roll back each other's work
  // (a resolved one's rows vanished when the other failed), so nested calls on a transaction handle take turns.
  let savepoints: Promise<unknown> = Promise.resolve();
  const inSavepoint = new AsyncLocalStorage<true>();
  const inTurn = <T>(start: () => Promise<T>): Promise<T> => {
    if (!tx) return start();
    const turn = savepoints.then(() => inSavepoint.run(true, start));
    savepoints = turn.catch(() => undefined);
    return turn;
  };

  // What the callback threw is remembered, so that only database errors among it are translated.
  const begin =
    (config: TransactionConfig): TransactionRunner =>
    (d, f) =>
      connection.runTransaction(d, f, config);
  const once = <T>(fn: (tx: DatabaseClient) => Promise<T>, thrown: { error?: unknown }, config: TransactionConfig) =>
    begin(config)(tx ?? connection.transactionDb, async (inner) => {
      try {
        await prelude?.(inner);
        return await scope.run(true, () => fn(createClient(opened, inner)));
      } catch (error) {
        thrown.error = error;
        throw error;
      }
    });

  const isDatabaseError = (error: unknown) => error instanceof DbError || error instanceof DrizzleQueryError || connection.isDriverError?.(error) === true;

  const base: HandleBase = {
    provider: opened.provider,
    capabilities,
    target: opened.target,
    inTransaction: tx !== undefined,
    async transaction(fn, options = {}) {
      checkOuter('transaction()');
      // This handle used inside its own nested callback would wait for itself there: use the callback's handle.
      if (inSavepoint.getStore()) throw new OuterHandleError(opened.provider, 'transaction()');
      const retries = tx ? 0 : Math.max(0, options.retry ?? 0);
      const config = transactionConfig(options.isolation, tx !== undefined);
      for (let attempt = 0; ; attempt++) {
        const thrown: { error?: unknown } = {};
        try {
          return await inTurn(() => once(fn, thrown, config));
        } catch (error) {
          // The callback's own errors (a missing file, an app error with a `code`) reach the caller unchanged;
          // errors of the database (a query in the callback, BEGIN/COMMIT, the connection) become typed errors.
          if ('error' in thrown && thrown.error === error && !isDatabaseError(error)) throw error;
          const mapped = toDbError(error, 'transaction');
          // A COMMIT cut off from its answer is run again only when the server says it rolled back.
          const retryable = mapped instanceof TransactionConflictError || (mapped instanceof CommitOutcomeError && mapped.outcome === 'rolled back');
          if (!retryable || attempt >= retries) throw mapped;
          await sleep(backoff(attempt));
        }
      }
    },
    async execute(query) {
      checkOuter('execute()');
      try {
        return await run((d) => dialect.execute(d, query));
      } catch (error) {
        throw toDbError(error);
      }
    },
    async subscribe(table, handler, options) {
      if (tx) throw new ValidationError('subscribe', [{ path: 'handle', message: 'is a transaction handle: subscribe on the database handle' }]);
      // A user-scoped handle reads the log with its parent's role (the log is not the user's) and filters by the user's.
      const reader = prelude ? createClient({ ...opened, prelude: undefined, borrowed: true }) : client;
      return subscribe(prelude ? { reader, visible: visibleTo(client, reader) } : { reader }, table, handler, options);
    },
    close: () => (opened.borrowed ? Promise.resolve() : stopSubscriptions(connection).then(() => connection.close())),
  };
  // The family decides the public type of `db` and `tables`: the driver's own client and the family's tables.
  const client = { ...base, dialect: capabilities.family, db, tables: dialect.tables } as DatabaseClient;
  if (prelude) {
    // The raw client would skip the prelude (a user-scoped handle's role and claims): only its transactions' tx.db has them.
    Object.defineProperty(client, 'db', {
      get() {
        throw new ValidationError('scoped handle', [{ path: 'db', message: "would run without the handle's role and claims: use handle.transaction(async (tx) => tx.db…)" }]);
      },
    });
  }
  register(client, { db, tables: dialect.tables, dialect, connection, run, poolMax: opened.poolMax, opened });
  return Object.freeze(client);
}

const scopes = new WeakMap<ProviderConnection, AsyncLocalStorage<true>>();

/** Marks the async context of a transaction callback, per connection. */
function transactionScope(connection: ProviderConnection): AsyncLocalStorage<true> {
  let scope = scopes.get(connection);
  if (!scope) scopes.set(connection, (scope = new AsyncLocalStorage<true>()));
  return scope;
}
