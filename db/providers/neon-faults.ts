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
  }

  override connect(): Promise<PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<PoolClient> | undefined {
    if (!callback) {
      return super.connect().then(guarded, (error: unknown) => {
        throw this.#explain(error);
      });
    }
    // pg types the error as Error; the socket's ErrorEvent arrives here too, and leaves as an Error.
    super.connect((error, client, done) => callback(error ? (this.#explain(error) as Error) : error, client && guarded(client), done));
    return undefined;
  }
}

const guardedClients = new WeakSet<PoolClient>();

/**
 * The pool takes its 'error' listener off a client while it is checked out, so a connection that breaks
 * then (a cut during COMMIT) emits an 'error' nobody hears: an uncaught exception that ends the process.
 * The query that was running already rejects with it, and the next one reports it; the event adds nothing.
 */
function guarded(client: PoolClient): PoolClient {
  if (!guardedClients.has(client)) {
    guardedClients.add(client);
    client.on('error', () => undefined);
  }
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
