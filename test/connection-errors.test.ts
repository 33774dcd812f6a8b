/**
 * An unreachable database gives a ConnectionError (or an unhealthy report) quickly, never a hang, and
 * never shows the password. The "hanging" server accepts TCP connections and never answers, so only the
 * connect timeout can end the wait. Every address the target dials is moved there (for Neon: its WebSocket
 * proxy and HTTP endpoint, not only the URL's host).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, createDatabaseClient, createRepositories, type DbError, healthCheck, type DatabaseClient } from '../db';
import { startNeonWsProxy } from './support/neon-ws-proxy';
import { pointedAt, selectedTargets, type TestTarget } from './support/targets';
import { rejection } from './support/rejection';

const SECRET = 'n0t-in-any-l0g';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let silentPort = 0;
const sockets: Socket[] = [];
const silent = createServer((socket) => sockets.push(socket));

beforeAll(async () => {
  silentPort = await listen(silent);
});
afterAll(async () => {
  sockets.forEach((s) => s.destroy());
  await new Promise((resolve) => silent.close(resolve));
});

/** A handle on `target` whose every connection goes to 127.0.0.1:`port`; SQLite gets a path it cannot create. */
function openUnreachable(target: TestTarget, port: number): DatabaseClient {
  if (target.capabilities.family === 'sqlite') {
    const file = join(tmpdir(), `not-a-dir-${process.pid}`);
    writeFileSync(file, 'x');
    return createDatabaseClient(target.provider, { url: join(file, 'app.db') });
  }
  const { overrides, env } = pointedAt(target, port, SECRET);
  return createDatabaseClient(target.provider, overrides, env);
}

/** What one call on a fresh unreachable handle throws (creating the handle counts: SQLite fails there). */
async function failure(target: TestTarget, port: number, call: (db: DatabaseClient) => Promise<unknown> = (db) => db.execute(sql`select 1`)): Promise<unknown> {
  let db: DatabaseClient | undefined;
  try {
    return await rejection(async () => call((db = openUnreachable(target, port))));
  } finally {
    await db?.close().catch(() => undefined);
  }
}

/** The password appears nowhere a log could pick it up: message, stack, inspect (hidden fields, causes), JSON. */
function expectNoSecret(error: unknown): void {
  const seen = [String((error as Error).message), String((error as Error).stack), inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error)];
  for (const text of seen) expect(text).not.toContain(SECRET);
}

/** The calls a user makes first: raw SQL, a repository read, a transaction. */
const CALLS: Record<string, (db: DatabaseClient) => Promise<unknown>> = {
  'execute()': (db) => db.execute(sql`select 1`),
  'a repository call': (db) => createRepositories(db).books.count(),
  'transaction()': (db) => db.transaction((tx) => tx.execute(sql`select 1`)),
};

function runMigrateScript(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const child = spawn('npx', ['tsx', 'scripts/migrate.ts'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = () =>
    stderr
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('npm warn'))
      .join('\n');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr: lines() })));
}

for (const target of selectedTargets()) {
  describe(`${target.name}: unreachable database`, () => {
    it('refused connection → ConnectionError without the password', async () => {
      const error = await failure(target, await closedPort());
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as DbError).code).toBe('CONNECTION');
      expectNoSecret(error);
    });

    // Opening an SQLite file fails at creation, before any handle exists; the case above covers it.
    if (target.capabilities.family === 'pg') {
      it('refused connection: queries, repository calls and transactions are ConnectionErrors that name the address', async () => {
        const port = await closedPort();
        for (const [what, call] of Object.entries(CALLS)) {
          const error = await failure(target, port, call);
          expect(error, what).toBeInstanceOf(ConnectionError);
          expect((error as Error).message, what).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
          expectNoSecret(error);
        }
      });

      it('healthCheck reports it unhealthy instead of throwing', async () => {
        const db = openUnreachable(target, await closedPort());
        const report = await healthCheck(db);
        await db.close().catch(() => undefined);
        expect(report).toMatchObject({ ok: false, provider: target.provider });
        expect(report.error).toBeTruthy();
        expect(report.error).not.toContain(SECRET);
      });

      it('a server that never answers fails by the connect timeout, naming DB_CONNECT_TIMEOUT, no hang', async () => {
        for (const [what, call] of Object.entries(CALLS)) {
          const started = Date.now();
          const error = await failure(target, silentPort, call);
          // Generous: the timeout is 2 s; without one a silent server holds the call for 30 s or more.
          expect(Date.now() - started, what).toBeLessThan(15_000);
          expect(error, what).toBeInstanceOf(ConnectionError);
          expect((error as Error).message, what).toMatch(/\(CONNECT_TIMEOUT\).*DB_CONNECT_TIMEOUT/);
          expectNoSecret(error);
        }
      });

      it('db:migrate against a refused server prints the reason and exits 1', async () => {
        const port = await closedPort();
        const result = await runMigrateScript(pointedAt(target, port, SECRET).scriptEnv);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(new RegExp(`^error: Cannot reach the database during [^\\n]*ECONNREFUSED 127\\.0\\.0\\.1:${port}[^\\n]*$`));
        expect(result.stderr).not.toContain(SECRET);
      });
    }

    if (target.proxies.webSocket) {
      it('refused WebSocket proxy: the message names NEON_WS_PROXY', async () => {
        const error = await failure(target, await closedPort(), CALLS['transaction()']);
        expect((error as Error).message).toMatch(/NEON_WS_PROXY\).*check that it runs at that address/);
      });

      it('the WebSocket proxy is up but PostgreSQL behind it is down → ConnectionError naming the proxy', async () => {
        const proxy = await startNeonWsProxy({ host: '127.0.0.1', port: await closedPort() });
        try {
          // Transactions always go over the WebSocket; plain queries too unless they go over HTTP.
          const calls = target.capabilities.httpQueries ? ['transaction()'] : Object.keys(CALLS);
          for (const what of calls) {
            const { overrides, env } = pointedAt(target, await closedPort(), SECRET);
            const db = createDatabaseClient(target.provider, overrides, { ...env, NEON_WS_PROXY: proxy.wsProxy });
            const error = await rejection(() => CALLS[what]!(db)).finally(() => db.close());
            expect(error, what).toBeInstanceOf(ConnectionError);
            expect((error as Error).message, what).toMatch(/\(CONNECTION_CLOSED\).*NEON_WS_PROXY\) closed the connection before PostgreSQL answered/);
            expectNoSecret(error);
          }
        } finally {
          await proxy.stop();
        }
      });
    }
  });
}
