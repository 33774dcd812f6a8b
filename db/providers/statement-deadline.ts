/**
 * DB_STATEMENT_TIMEOUT enforced by the client, for postgres.js: a server that accepted the login and then went
 * silent never sends the error a server-side statement_timeout would, so only the client can end the wait.
 * Each connection's socket is watched: when something was written and no byte came back within the timeout,
 * the socket is destroyed with an error whose code (STATEMENT_TIMEOUT) db/error-mapping.ts turns into a
 * StatementTimeoutError. postgres.js rejects every query sent on that connection with it and opens a new
 * connection for the next one, so the pool does not keep a dead slot.
 *
 * Any byte counts as an answer (no protocol is parsed), so a long query that streams rows is not cut; the
 * clock restarts at every write. Behind TLS the driver writes through its own TLS socket, out of sight: there
 * the server's own statement_timeout is the only bound on a slow statement.
 */
import net from 'node:net';

/** The parts of postgres.js's parsed options that say where to connect. */
interface SocketOptions {
  host: string[];
  port: number[];
  path?: string;
}

/** A socket for postgres.js's `socket` option that fails a statement left unanswered for `seconds`. */
export function deadlineSocket(seconds: number): (options: SocketOptions) => net.Socket {
  const message = `no answer from the server within ${seconds} s (DB_STATEMENT_TIMEOUT, the statementTimeout option); the connection was closed. Raise it if the statement is only slow`;
  return (options) => {
    const socket = options.path ? net.connect(options.path) : net.connect(options.port[0] ?? 5432, options.host[0] ?? 'localhost');
    let timer: NodeJS.Timeout | undefined;
    const disarm = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    };
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((...args: unknown[]) => {
      disarm();
      timer = setTimeout(() => socket.destroy(Object.assign(new Error(message), { code: 'STATEMENT_TIMEOUT' })), seconds * 1000);
      timer.unref();
      return write(...args);
    }) as net.Socket['write'];
    socket.on('data', disarm);
    socket.on('close', disarm);
    return socket;
  };
}
