/**
 * What every provider module supplies: validation without connecting, a connection, and capabilities.
 * Differences between providers are data here, never `if (provider === 'x')` elsewhere.
 */
import type Database from 'better-sqlite3';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Env, ProviderName } from '../env';
import type { RelationalSchema } from '../tables';

/**
 * The Drizzle client type repositories and tools are written against (with the schema's relations).
 * SQLite clients are adapted to it in db/dialects/sqlite/tables.ts (the one place where that cast lives).
 */
export type AppDatabase = PgDatabase<PgQueryResultHKT, RelationalSchema>;

export type SqlFamily = 'pg' | 'sqlite';

/** What a provider can and cannot do; tests skip by capability, never by provider name. */
export interface Capabilities {
  readonly family: SqlFamily;
  /** One connection: transactions take turns in this process (SQLite). */
  readonly singleConnection: boolean;
  /** Supabase-style roles, auth.uid() and row-level security policies. */
  readonly rowLevelSecurity: boolean;
  /** Statements go through a transaction pooler: no session state, no named prepared statements. */
  readonly transactionPooler: boolean;
  /** Plain queries go over HTTP; transactions go over a separate WebSocket pool. */
  readonly httpQueries: boolean;
  /** A server that may still be starting when the app does: DB_CONNECT_RETRIES waits for it (a file has nothing to wait for). */
  readonly startupRetry: boolean;
  /** LISTEN works (a direct Postgres session): the change feed is woken by NOTIFY instead of waiting to poll. */
  readonly notifications: boolean;
}

/** Settings a caller may pass to createDatabaseClient instead of (or on top of) the environment. */
export interface ProviderOverrides {
  /** Connection URL (Postgres providers) or file path (sqlite). */
  url?: string;
  /** Direct (non-pooled) URL used for migrations (supabase). */
  directUrl?: string;
  /** Neon only: 'ws' (default) or 'http'. */
  driver?: 'ws' | 'http';
  poolMax?: number;
  /** Seconds an idle pooled connection is kept. */
  idleTimeout?: number;
  /** Seconds to wait for a connection before failing. */
  connectTimeout?: number;
  /** Seconds a statement may go unanswered before it fails (default DB_STATEMENT_TIMEOUT, else 30). */
  statementTimeout?: number;
  /** Seconds to wait for a free connection of the pool (default DB_POOL_TIMEOUT, else 10). */
  poolTimeout?: number;
  /** Times to try again when the server cannot be reached yet at the first query (default DB_CONNECT_RETRIES, else 0); see db/startup-retry.ts. */
  connectRetries?: number;
  /** Receives one line per failed startup attempt, password masked (default: stderr). */
  onConnectRetry?: (line: string) => void;
}

/** The settings a provider runs with, after env and overrides are merged and validated. */
export interface ResolvedConfig {
  url: string;
  directUrl: string | undefined;
  /** The driver asked for by the caller, if any (neon: 'ws' or 'http'; otherwise from NEON_DRIVER). */
  driver: 'ws' | 'http' | undefined;
  poolMax: number;
  idleTimeout: number;
  connectTimeout: number;
  statementTimeout: number;
  poolTimeout: number;
  env: Env;
}

/** The isolation levels a transaction may ask for (PostgreSQL's names; SQLite meets all of them). */
export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/** How a top-level transaction begins; a savepoint takes its transaction's settings. */
export interface TransactionConfig {
  isolation?: IsolationLevel;
}

/** The transaction primitive of a family: run `fn` inside a transaction (or a savepoint when nested). */
export type TransactionRunner = <T>(db: AppDatabase, fn: (tx: AppDatabase) => Promise<T>, config?: TransactionConfig) => Promise<T>;

/** A live connection made by a provider module. */
export interface ProviderConnection {
  readonly db: AppDatabase;
  /** The client that interactive transactions start from (differs from `db` for neon over HTTP). */
  readonly transactionDb: AppDatabase;
  readonly runTransaction: TransactionRunner;
  /** Makes non-transaction work wait its turn (single-connection providers); absent where not needed. */
  readonly serialize?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** True for an error the driver raised that Drizzle passes through unwrapped (better-sqlite3's SqliteError). */
  isDriverError?(error: unknown): boolean;
  /** The raw better-sqlite3 connection (sqlite only): its migrator runs on it synchronously. */
  readonly native?: Database.Database;
  /**
   * LISTENs on `channel` on a session of its own (where capabilities.notifications): `onNotify` gets each payload,
   * `onListening` runs each time the session (re)starts listening. Resolves to the function that stops it.
   */
  listen?(channel: string, onNotify: (payload: string) => void, onListening: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** One provider module (db/providers/<name>.ts). */
export interface ProviderDefinition {
  readonly name: ProviderName;
  /** The SQL family, known before connecting. */
  readonly family: SqlFamily;
  /** Env variables that hold its URL, in order of preference; the first one set selects this provider. */
  readonly urlVariables: readonly (keyof Env)[];
  /** The URL (or path) used when none is configured; absent when one is required. */
  readonly defaultUrl?: string;
  /** Env variable with a direct (non-pooled) URL for migrations and bulk work, if the provider has one. */
  readonly directUrlVariable?: keyof Env;
  /** Problems with the configuration, found without connecting; `[]` when it looks usable. */
  validate(config: ResolvedConfig): string[];
  /** What a handle with this configuration can do, known before connecting. */
  capabilities(config: ResolvedConfig): Capabilities;
  /** Where the configuration points, for messages: no password. */
  describe(config: ResolvedConfig): string;
  connect(config: ResolvedConfig): ProviderConnection;
}
