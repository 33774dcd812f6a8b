/**
 * Servers that are "not started yet": each reserved 127.0.0.1 port refuses connections until open() is
 * called, then forwards every connection byte for byte to the real server behind it (PostgreSQL,
 * pgbouncer, the Neon proxies). A URL or variable is moved onto them with `rewrite`.
 */
import net from 'node:net';

export interface LateListeners {
  /** The late port in front of `upstream`. */
  port(upstream: number): number;
  /** Replaces `127.0.0.1:<real port>` by the late port in `text`, for each port held. */
  rewrite(text: string): string;
  /** Starts listening on every late port (idempotent); resolves once all listen. */
  open(): Promise<void>;
  stop(): Promise<void>;
}

/** A free port, closed again: connecting to it is refused until someone listens there. */
async function reservePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** One late port for each of `upstreamPorts` (servers on 127.0.0.1). */
export async function lateListeners(upstreamPorts: number[]): Promise<LateListeners> {
  const late = new Map<number, number>();
  for (const port of upstreamPorts) late.set(port, await reservePort());
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  let opening: Promise<void> | undefined;

  const forwardTo = (upstream: number) =>
    net.createServer((client) => {
      const server = net.connect({ host: '127.0.0.1', port: upstream });
      for (const socket of [client, server]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(server).pipe(client);
      client.on('close', () => server.destroy());
      server.on('close', () => client.destroy());
    });

  return {
    port: (upstream) => late.get(upstream) ?? upstream,
    rewrite: (text) => text.replace(/127\.0\.0\.1:(\d+)/g, (match, port: string) => (late.has(Number(port)) ? `127.0.0.1:${late.get(Number(port))}` : match)),
    open() {
      opening ??= Promise.all(
        [...late].map(([upstream, port]) => {
          const server = forwardTo(upstream);
          servers.push(server);
          return new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(port, '127.0.0.1', resolve);
          });
        }),
      ).then(() => undefined);
      return opening;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
