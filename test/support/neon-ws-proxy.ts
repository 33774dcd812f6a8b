// A local stand-in for Neon's WebSocket proxy: WebSocket frames <-> PostgreSQL TCP stream.
import net from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

export interface NeonWsProxy {
  port: number;
  /** Value for neonConfig.wsProxy (host:port/v1, no scheme). */
  wsProxy: string;
  stop(): Promise<void>;
}

/** The PostgreSQL server behind the proxy (fault tests pass a closed port). */
export interface Upstream {
  host: string;
  port: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Picks the TCP target: the client's `?address=host:port` if it is loopback, else the pg server. */
function targetFor(reqUrl: string | undefined, pg: Upstream): { host: string; port: number } {
  const address = new URL(reqUrl ?? '/', 'http://x').searchParams.get('address');
  const match = address ? /^(.*):(\d+)$/.exec(address) : null;
  if (match?.[1] && match[2] && LOOPBACK.has(match[1])) return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
  return { host: pg.host, port: pg.port };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Starts the WebSocket-to-TCP proxy on 127.0.0.1 (free port, path /v1). */
export async function startNeonWsProxy(pg: Upstream): Promise<NeonWsProxy> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/v1', perMessageDeflate: false });
  const sockets = new Set<net.Socket>();
  wss.on('connection', (ws: WebSocket, req) => {
    const { host, port } = targetFor(req.url, pg);
    const tcp = net.connect({ host, port });
    tcp.setNoDelay(true);
    sockets.add(tcp);
    const closeBoth = (): void => {
      sockets.delete(tcp);
      tcp.destroy();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
    };
    ws.on('message', (data) => tcp.write(toBuffer(data)));
    ws.on('close', closeBoth);
    ws.on('error', closeBoth);
    tcp.on('data', (chunk) => {
      if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
    });
    tcp.on('close', closeBoth);
    tcp.on('error', closeBoth);
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const addr = wss.address();
  if (typeof addr !== 'object' || addr === null) throw new Error('ws proxy has no TCP address');
  const { port } = addr;
  let stopped = false;
  return {
    port,
    wsProxy: `127.0.0.1:${port}/v1`,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
