/**
 * An unreachable database gives a ConnectionError (or an unhealthy report) quickly, never a hang, and
 * never shows the password. The "hanging" server accepts TCP connections and never answers, so only the
 * connect timeout can end the wait.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, createDatabaseClient, DbError, healthCheck, type DatabaseClient, type ProviderOverrides } from '../db';
import { selectedTargets } from './support/targets';

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

function unreachable(targetName: string, port: number): ProviderOverrides {
  if (targetName === 'sqlite') {
    const file = join(tmpdir(), `not-a-dir-${process.pid}`);
    writeFileSync(file, 'x');
    return { url: join(file, 'app.db') };
  }
  return { url: `postgres://app:${SECRET}@127.0.0.1:${port}/app`, connectTimeout: 2, driver: targetName === 'neon-http' ? 'http' : 'ws' };
}

async function failure(overrides: ProviderOverrides, provider: string): Promise<unknown> {
  let db: DatabaseClient | undefined;
  try {
    db = createDatabaseClient(provider, overrides);
    await db.execute(sql`select 1`);
  } catch (error) {
    return error;
  } finally {
    await db?.close().catch(() => undefined);
  }
  return undefined;
}

for (const target of selectedTargets()) {
  describe(`${target.name}: unreachable database`, () => {
    it('refused connection → ConnectionError without the password', async () => {
      const error = await failure(unreachable(target.name, await closedPort()), target.provider);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as DbError).code).toBe('CONNECTION');
      expect(String((error as Error).message)).not.toContain(SECRET);
      expect(JSON.stringify(error)).not.toContain(SECRET);
    });

    // Opening an SQLite file fails at creation, before any handle exists; the case above covers it.
    if (target.capabilities.family === 'pg') {
      it('healthCheck reports it unhealthy instead of throwing', async () => {
        const db = createDatabaseClient(target.provider, unreachable(target.name, await closedPort()));
        const report = await healthCheck(db);
        await db.close().catch(() => undefined);
        expect(report).toMatchObject({ ok: false, provider: target.provider });
        expect(report.error).toBeTruthy();
        expect(report.error).not.toContain(SECRET);
      });
    }

    if (target.capabilities.family === 'pg') {
      it('a server that never answers fails by the connect timeout, no hang', async () => {
        const error = await failure(unreachable(target.name, silentPort), target.provider);
        expect(error).toBeInstanceOf(DbError);
        expect(String((error as Error).message)).not.toContain(SECRET);
      });
    }
  });
}
