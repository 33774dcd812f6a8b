/**
 * What the neon drivers report when the server cannot be reached, made readable. The WebSocket pool rejects
 * with the socket's ErrorEvent (not an Error: it prints as "[object Object]") or with node-postgres errors
 * that carry no code ("Connection terminated unexpectedly", "… due to connection timeout"); the HTTP driver
 * has no timeout at all. Here they become Errors with a connection `code`, which db/error-mapping.ts turns
 * into a ConnectionError (adding the DB_CONNECT_TIMEOUT hint to a timeout), and a message that says what
 * failed and what to check, never a password.
 */
import { Pool, type PoolClient, type PoolConfig } from '@neondatabase/serverless';

/** Where the driver sends its traffic, for messages: `the WebSocket proxy 127.0.0.1:4444/v1 (NEON_WS_PROXY)`. */
export type Route = string;

/** An Error whose `code` is one of the connection codes of error-mapping.ts. */
function connectionFailure(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** The socket failure inside a WebSocket ErrorEvent (`error` holds the socket's Error, `message` its text). */
function socketFailure(value: unknown): { code: string | undefined; message: string } | undefined {
  if (value instanceof Error || typeof value !== 'object' || value === null) return undefined;
  const event = value as { error?: unknown; message?: unknown };
  const inner = event.error instanceof Error ? (event.error as Error & { code?: unknown }) : undefined;
  const message = inner?.message ?? (typeof event.message === 'string' ? event.message : undefined);
  if (!message) return undefined;
  return { code: typeof inner?.code === 'string' ? inner.code : undefined, message };
}

/**
 * Rewrites a failure to open a pooled WebSocket connection. Errors with their own code (a refused login,
 * a missing database) are already precise and pass through, as does the pool's own wait timeout (every
 * connection busy), which says nothing about the server.
 */
export function explainConnectFailure(error: unknown, route: Route, connectTimeout: number): unknown {
  const socket = socketFailure(error);
  if (socket) return connectionFailure(socket.code ?? 'WEBSOCKET_ERROR', `${socket.message}: ${route} cannot be reached; check that it runs at that address`);
  if (!(error instanceof Error) || typeof (error as { code?: unknown }).code === 'string') return error;
  // node-postgres says which of these happened only in its message text.
  if (/connection timeout/i.test(error.message)) {
    return connectionFailure('CONNECT_TIMEOUT', `no answer within ${connectTimeout} s from ${route}; check that it and the database behind it are up`);
  }
  if (/terminated unexpectedly/i.test(error.message)) {
    return connectionFailure('CONNECTION_CLOSED', `${route} closed the connection before PostgreSQL answered; check that the database behind it is running and accepts connections`);
  }
  return error;
}

type ConnectCallback = (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * The neon Pool with readable connect failures. Both paths go through connect(): transactions call it,
 * and pool.query() calls it with a callback.
 */
export class ExplainingPool extends Pool {
  readonly #explain: (error: unknown) => unknown;

  constructor(config: PoolConfig, route: Route) {
    super(config);
    const seconds = (config.connectionTimeoutMillis ?? 0) / 1000;
    this.#explain = (error) => explainConnectFailure(error, route, seconds);
    this.#statementSeconds = (config.query_timeout ?? 0) / 1000;
  }

  readonly #statementSeconds: number;
  /** Clients this pool lent out and that have not ended, so close() can end them when they never answer. */
  readonly #clients = new Set<PoolClient>();

  /**
   * Ends the pool like end(), but when a connection still has not finished after `seconds` (a server gone
   * silent under a running statement), closes every connection, as postgres.js's end({ timeout }) does.
   * Never rejects.
   */
  async endWithin(seconds: number): Promise<void> {
    const ended = this.end().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([ended.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), seconds * 1000)))]);
    clearTimeout(timer);
    if (!late) return;
    for (const client of this.#clients) destroyConnection(client);
    // Not unref()ed: a script awaiting close() must still be running when it resolves, to set its exit code.
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 1000))]);
  }

  #track(client: PoolClient): PoolClient {
    if (!this.#clients.has(client)) {
      this.#clients.add(client);
      client.once('end', () => this.#clients.delete(client));
    }
    return guarded(client, this.#statementSeconds);
  }

  override connect(): Promise<PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<PoolClient> | undefined {
    if (!callback) {
      return super.connect().then(
        (client) => this.#track(client),
        (error: unknown) => {
          throw this.#explain(error);
        },
      );
    }
    // pg types the error as Error; the socket's ErrorEvent arrives here too, and leaves as an Error.
    super.connect((error, client, done) => callback(error ? (this.#explain(error) as Error) : error, client && this.#track(client), done));
    return undefined;
  }
}

const guardedClients = new WeakSet<PoolClient>();

/** The raw connection under a pg client, which node-postgres does not type. */
function destroyConnection(client: PoolClient): void {
  (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream?.destroy?.();
}

/**
 * node-postgres ends a statement that outlives its query_timeout (DB_STATEMENT_TIMEOUT) with a code-less
 * "Query read timeout" and keeps waiting on the connection, so the next statement on it would wait too. Here
 * that connection is closed and handed back to the pool as broken (so it is dropped, never lent again, and
 * pool.end() does not wait for it; Drizzle does not release a client whose BEGIN failed), and the error gets
 * the STATEMENT_TIMEOUT code that db/error-mapping.ts turns into a StatementTimeoutError. Later statements on
 * the client (Drizzle's ROLLBACK) fail at once with the same error.
 */
function timeoutFailure(client: PoolClient, seconds: number): Error {
  const failure = connectionFailure(
    'STATEMENT_TIMEOUT',
    `no answer from the server within ${seconds} s (DB_STATEMENT_TIMEOUT, the statementTimeout option); the connection was closed. Raise it if the statement is only slow`,
  );
  destroyConnection(client);
  const release = client.release.bind(client);
  // Whoever releases it next (Drizzle's finally, the pool's own query()) finds it already released.
  client.release = () => undefined;
  release(failure);
  return failure;
}

type QueryFn = (...args: unknown[]) => unknown;

/**
 * node-postgres's code-less errors for a connection that broke under a checked-out client (a terminated
 * backend, idle_in_transaction_session_timeout while the callback waited): a connection failure, not a query's.
 */
function isBrokenConnection(error: unknown): error is Error {
  if (!(error instanceof Error) || typeof (error as { code?: unknown }).code === 'string') return false;
  return /^(Client has encountered a connection error and is not queryable|Client was closed and is not queryable|Connection terminated unexpectedly)$/.test(error.message);
}

/**
 * The pool takes its 'error' listener off a client while it is checked out, so a connection that breaks
 * then (a cut during COMMIT) emits an 'error' nobody hears: an uncaught exception that ends the process.
 * The query that was running already rejects with it, and the next one reports it; the event adds nothing.
 * Its query() (promise and callback forms; the pool's own query() uses the callback) handles a statement timeout.
 */
function guarded(client: PoolClient, statementSeconds: number): PoolClient {
  if (guardedClients.has(client)) return client;
  guardedClients.add(client);
  client.on('error', () => undefined);
  const query = client.query.bind(client) as QueryFn;
  let timedOut: Error | undefined;
  const explain = (error: unknown) => {
    if (timedOut) return timedOut;
    if (isBrokenConnection(error)) return connectionFailure('CONNECTION_CLOSED', `${error.message}: the connection broke (its server process ended or the network failed)`);
    if (!(error instanceof Error) || error.message !== 'Query read timeout') return error;
    timedOut = timeoutFailure(client, statementSeconds);
    return timedOut;
  };
  const explained: QueryFn = (...args) => {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      const callback = last as QueryFn;
      if (timedOut) return void callback(timedOut);
      args[args.length - 1] = (error: unknown, result: unknown) => callback(error ? explain(error) : error, result);
      return query(...args);
    }
    if (timedOut) return Promise.reject(timedOut);
    const result = query(...args);
    return result instanceof Promise
      ? result.catch((error: unknown) => {
          throw explain(error);
        })
      : result;
  };
  (client as unknown as { query: QueryFn }).query = explained;
  return client;
}

/**
 * fetch() options for neon(): every request gets its own deadline of `connectTimeout` seconds. The driver
 * spreads these options into each fetch call, so a getter hands each request a fresh signal. Over HTTP
 * the answer comes only when the query is done, so the deadline bounds the whole request, query included.
 */
export function deadlineFetchOptions(connectTimeout: number, route: Route): Record<string, unknown> {
  const message = `no answer within ${connectTimeout} s (over HTTP: for the whole query) from ${route}; check that it is up`;
  return {
    get signal(): AbortSignal {
      const controller = new AbortController();
      // fetch rejects with the abort reason; unref: a finished request must not keep the process alive.
      setTimeout(() => controller.abort(connectionFailure('CONNECT_TIMEOUT', message)), connectTimeout * 1000).unref();
      return controller.signal;
    },
  };
}
