/**
 * Opt-in waiting for a database that is not up yet (DB_CONNECT_RETRIES, or the `connectRetries` option): an
 * app or script started before its database (a container still starting, a Neon compute waking from
 * suspend) waits for it instead of failing its first query.
 *
 * How: before the first statement of a handle, `select 1` is sent until the server answers. Only failures
 * that mean "could not connect yet" are retried (refused, unknown host, connect timeout, a connection closed
 * while opening, PostgreSQL's 57P03 "the database system is starting up", the 08 connection class, Neon's
 * "Couldn't connect to compute node"); anything else (a wrong password, a missing database) fails at once.
 * The caller's own statements are sent once, after that answer, and never repeated, so nothing that may
 * have reached the server runs twice. After the first answer a lost server is reported at once, as without
 * retries: this is about starting, not about outages.
 *
 * Schedule: the wait before retry k is min(8 s, 0.25 s × 2^(k−1)) times a random factor in [0.5, 1) (jitter,
 * so that processes started together do not knock in step): at most 0.25, 0.5, 1, 2, 4, 8, 8 … s.
 * DB_CONNECT_RETRIES=5 makes 6 attempts and waits at most 7.75 s in all, plus each attempt's own time (up to
 * DB_CONNECT_TIMEOUT when the server does not answer at all). Every failed attempt is one line on stderr
 * (or given to the `onConnectRetry` option), with the password masked.
 */
import { sql } from 'drizzle-orm';
import { DIALECTS } from './dialects';
import { maskSecrets } from './env';
import { toDbError } from './error-mapping';
import { ConnectionError } from './errors';
import type { AppDatabase, ProviderConnection, SqlFamily, TransactionRunner } from './providers/types';

const FIRST_WAIT_MS = 250;
const MAX_WAIT_MS = 8000;

/** The wait in ms before retry `retry` (1, 2, …): see the schedule above. */
export function retryDelay(retry: number, random: () => number = Math.random): number {
  return Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (retry - 1)) * (0.5 + random() / 2);
}

/** Driver codes that mean the connection could not be opened (nothing was sent on it). */
const NOT_YET_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'WEBSOCKET_ERROR',
  // the database system is starting up / shutting down / not yet accepting connections
  '57P03',
]);

/** What Neon's proxy says while a compute wakes (its errors carry no dedicated SQLSTATE). */
const NOT_YET_MESSAGES = /couldn't connect to compute node|endpoint is idle|waiting for endpoint to become active|the database system is (starting up|not yet accepting connections)/i;

/** The driver code and masked message of a failure, as the typed errors keep them. */
function driverCause(error: unknown): { code: string | undefined; message: string } {
  const cause = toDbError(error, 'connect').cause as { code?: unknown; message?: unknown } | undefined;
  return { code: typeof cause?.code === 'string' ? cause.code : undefined, message: typeof cause?.message === 'string' ? cause.message : '' };
}

/** True when `error` means the server could not be reached yet, so trying again later may work. */
export function isNotReachableYet(error: unknown): boolean {
  const { code, message } = driverCause(error);
  return (code !== undefined && (NOT_YET_CODES.has(code) || code.startsWith('08'))) || NOT_YET_MESSAGES.test(message);
}

/** Problems with a retry count given as an option (the variable is checked in env.ts). */
export function connectRetriesProblems(retries: number): string[] {
  return Number.isSafeInteger(retries) && retries >= 0 ? [] : [`connectRetries must be a whole number, 0 or more (got ${String(retries)})`];
}

export interface StartupRetryOptions {
  /** Retries after the first attempt (DB_CONNECT_RETRIES). */
  retries: number;
  family: SqlFamily;
  /** Provider name and masked target, for the log line. */
  provider: string;
  target: string;
  /** Receives each line; default: stderr. */
  log?: (line: string) => void;
}

const toStderr = (line: string) => {
  process.stderr.write(`${line}\n`);
};

/**
 * The connection with a wait for the server in front of its first statement: plain queries wait for
 * `connection.db` to answer, transactions for `connection.transactionDb` (the same pool except on neon over
 * HTTP); once either answered, nothing waits any more. close() ends a wait in progress.
 */
export function withStartupRetry(connection: ProviderConnection, options: StartupRetryOptions): ProviderConnection {
  const log = options.log ?? toStderr;
  const attempts = options.retries + 1;
  let answered = false;
  let closed = false;
  let pending: Promise<void> | undefined;
  const sleepers = new Set<() => void>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  async function probe(route: AppDatabase): Promise<void> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await DIALECTS[options.family].execute(route, sql`select 1`);
        return;
      } catch (error) {
        if (!isNotReachableYet(error) || closed) throw toDbError(error, 'connect');
        const { code, message } = driverCause(error);
        const last = attempt >= attempts;
        const wait = last ? 0 : retryDelay(attempt);
        const next = last ? 'giving up' : `next in ${(wait / 1000).toFixed(2)} s`;
        log(
          maskSecrets(
            `db: attempt ${attempt} of ${attempts} to reach ${options.provider} (${options.target}) failed (${code ?? 'no code'}: ${message}); ${next} (DB_CONNECT_RETRIES=${options.retries})`,
          ),
        );
        if (last) {
          const mapped = toDbError(error, 'connect');
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          throw new ConnectionError(`${mapped.message}; gave up after ${attempts} attempts in ${seconds} s (DB_CONNECT_RETRIES=${options.retries}; raise it to wait longer)`, mapped.cause);
        }
        await sleep(wait);
      }
    }
  }

  /** Undefined once the server answered: the common path adds no wait at all. */
  const ready = (route: AppDatabase): Promise<void> | undefined => {
    if (answered) return undefined;
    pending ??= probe(route).then(
      () => {
        answered = true;
        pending = undefined;
      },
      (error: unknown) => {
        pending = undefined; // the next call starts a fresh round of attempts
        throw error;
      },
    );
    return pending;
  };

  const serialize = <T>(fn: () => Promise<T>): Promise<T> => {
    const go = () => (connection.serialize ? connection.serialize(fn) : fn());
    return ready(connection.db)?.then(go) ?? go();
  };
  const runTransaction: TransactionRunner = (...args) => {
    const go = () => connection.runTransaction(...args);
    return ready(connection.transactionDb)?.then(go) ?? go();
  };
  return {
    ...connection,
    serialize,
    runTransaction,
    close() {
      closed = true;
      for (const wake of [...sleepers]) wake();
      return connection.close();
    },
  };
}
