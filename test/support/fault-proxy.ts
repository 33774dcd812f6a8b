/**
 * A TCP fault proxy in front of the test PostgreSQL (or pgbouncer), on 127.0.0.1. It reads the PostgreSQL
 * wire protocol only as far as it must (type byte + length) to recognise the end of the login (the first
 * ReadyForQuery) and a COMMIT sent as a simple Query or a Parse, and then does what its mode says:
 *
 * - `pass`: forwards everything.
 * - `cut-before-commit`: closes both sides instead of forwarding the COMMIT (the server rolls back).
 * - `cut-after-commit`: forwards the COMMIT, ends the server side, closes the client before any reply.
 * - `cut-after-commit-reply`: forwards the COMMIT, lets the server answer, drops the answer and closes the client.
 * - `silent-after-login`: after the login, forwards nothing either way and never closes (a server gone silent).
 * - `drop-mid-statement`: forwards the first statement after the login, then closes both sides.
 *
 * The mode may change while connections are open; each connection reads it when a message arrives.
 */
import net from 'node:net';

export type FaultMode = 'pass' | 'cut-before-commit' | 'cut-after-commit' | 'cut-after-commit-reply' | 'silent-after-login' | 'drop-mid-statement';

export interface FaultProxy {
  port: number;
  mode: FaultMode;
  /** When true, the mode falls back to `pass` after one fault (a retry then goes through). */
  once: boolean;
  /** How many times a fault was acted on. */
  readonly faults: number;
  stop(): Promise<void>;
}

/** Splits a byte stream into whole messages: the first ones of a connection may be untyped (SSLRequest, StartupMessage). */
class Framer {
  #buffer = Buffer.alloc(0);
  constructor(private untyped: number) {}

  push(chunk: Buffer): Buffer[] {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    const messages: Buffer[] = [];
    for (;;) {
      const typed = this.untyped === 0;
      const header = typed ? 5 : 4;
      if (this.#buffer.length < header) break;
      const length = this.#buffer.readInt32BE(typed ? 1 : 0) + (typed ? 1 : 0);
      if (this.#buffer.length < length) break;
      messages.push(this.#buffer.subarray(0, length));
      this.#buffer = this.#buffer.subarray(length);
      if (!typed) this.untyped--;
    }
    return messages;
  }

  /** After an SSLRequest the server answers one untyped byte; the client then sends its StartupMessage. */
  expectUntyped(): void {
    this.untyped++;
  }
}

const SSL_REQUEST = 80877103;
const COMMIT = /^\s*(commit|end)\b/i;

/** Reads the zero-terminated string at `offset`: its text and where the next field starts. */
function cstring(message: Buffer, offset: number): [string, number] {
  const end = message.indexOf(0, offset);
  return [message.subarray(offset, end).toString('utf8'), end + 1];
}

/**
 * The SQL a client message runs: the text of a simple Query ('Q') or a Parse ('P'), or for a Bind ('B') the
 * text of the named statement it binds (a driver that prepares statements sends COMMIT's Parse only once per
 * connection). `prepared` maps the statement names this connection parsed to their text.
 */
function statementText(message: Buffer, prepared: Map<string, string>): string | undefined {
  const type = String.fromCharCode(message[0] ?? 0);
  if (type === 'Q') return cstring(message, 5)[0];
  if (type === 'P') {
    const [name, next] = cstring(message, 5);
    const [text] = cstring(message, next);
    if (name) prepared.set(name, text);
    return text;
  }
  if (type === 'B') {
    const [, next] = cstring(message, 5);
    const [statement] = cstring(message, next);
    return statement ? prepared.get(statement) : undefined;
  }
  return undefined;
}

/** Starts a fault proxy to `upstream` (loopback only) in `mode`. */
export async function startFaultProxy(upstream: { host: string; port: number }, mode: FaultMode = 'pass'): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>();
  let faults = 0;
  const acted = () => {
    faults++;
    if (proxy.once) proxy.mode = 'pass';
  };
  const proxy: FaultProxy = {
    port: 0,
    mode,
    once: false,
    get faults() {
      return faults;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = net.createServer((client) => {
    const upstreamSocket = net.connect(upstream);
    for (const s of [client, upstreamSocket]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    const destroyBoth = () => {
      client.destroy();
      upstreamSocket.destroy();
    };
    client.on('close', () => upstreamSocket.end());
    upstreamSocket.on('close', () => client.destroy());

    const fromClient = new Framer(1);
    const fromServer = new Framer(0);
    let loggedIn = false;
    let sslAnswerPending = false;
    /** Set when a COMMIT went through in `cut-after-commit-reply`: the next ReadyForQuery is its answer. */
    let awaitingCommitReply = false;
    let done = false;
    const prepared = new Map<string, string>();

    client.on('data', (chunk: Buffer) => {
      if (done) return;
      if (loggedIn && proxy.mode === 'silent-after-login') return;
      const out: Buffer[] = [];
      const messages = fromClient.push(chunk);
      for (const [index, message] of messages.entries()) {
        if (!loggedIn && message.length === 8 && message.readInt32BE(4) === SSL_REQUEST) {
          sslAnswerPending = true;
          fromClient.expectUntyped();
        }
        const text = loggedIn ? statementText(message, prepared) : undefined;
        if (text !== undefined && proxy.mode === 'drop-mid-statement') {
          acted();
          done = true;
          upstreamSocket.write(Buffer.concat([...out, message]), () => setTimeout(destroyBoth, 50));
          return;
        }
        if (text !== undefined && COMMIT.test(text)) {
          if (proxy.mode === 'cut-before-commit') {
            acted();
            done = true;
            // What came before the COMMIT in this chunk still goes; the COMMIT never does.
            if (out.length > 0) upstreamSocket.write(Buffer.concat(out));
            upstreamSocket.end();
            client.destroy();
            return;
          }
          if (proxy.mode === 'cut-after-commit') {
            acted();
            done = true;
            // The rest of the chunk (Bind/Execute/Sync of an extended COMMIT) goes too; then no reply reaches the client.
            upstreamSocket.end(Buffer.concat([...out, ...messages.slice(index)]));
            client.destroy();
            upstreamSocket.resume();
            return;
          }
          if (proxy.mode === 'cut-after-commit-reply') {
            // Server replies to earlier messages of this chunk would be dropped too; a COMMIT comes alone.
            awaitingCommitReply = true;
          }
        }
        out.push(message);
      }
      if (out.length > 0) upstreamSocket.write(Buffer.concat(out));
    });

    upstreamSocket.on('data', (chunk: Buffer) => {
      if (done) return;
      if (loggedIn && proxy.mode === 'silent-after-login') return;
      if (sslAnswerPending) {
        // One byte ('N' or 'S'); this proxy is plaintext only, so an 'S' would end the framing here.
        sslAnswerPending = false;
        client.write(chunk.subarray(0, 1));
        chunk = chunk.subarray(1);
        if (chunk.length === 0) return;
      }
      const out: Buffer[] = [];
      for (const message of fromServer.push(chunk)) {
        const type = String.fromCharCode(message[0] ?? 0);
        // The COMMIT's answer (CommandComplete … ReadyForQuery) is dropped; at its end the connection is cut.
        if (awaitingCommitReply) {
          if (type === 'Z') {
            acted();
            done = true;
            destroyBoth();
            return;
          }
          continue;
        }
        out.push(message);
        if (type === 'Z') loggedIn = true;
      }
      if (out.length > 0) client.write(Buffer.concat(out));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('fault proxy has no TCP address');
  proxy.port = address.port;
  return proxy;
}
