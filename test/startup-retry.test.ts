/**
 * Starting before the database (DB_CONNECT_RETRIES): a handle or script started while every server it dials
 * still refuses connections waits for them with bounded retries, logs each attempt without the password, and
 * runs the caller's statements once the server answers. With no retries (the default) the start fails at once
 * as before; when the retries run out the ConnectionError says how many attempts were made.
 * The "servers" are real: late listeners that start forwarding to the real PostgreSQL, pgbouncer and Neon
 * proxies on cue (after the handle's own log line, so no timing is assumed).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigError, ConnectionError, createDatabaseClient, createRepositories, type DatabaseClient, type ProviderOverrides } from '../db';
import { migrationsFolder, readMigrationFiles } from '../db/migrate/journal';
import { retryDelay } from '../db/startup-retry';
import { lateListeners, type LateListeners } from './support/late-listeners';
import { startNeonWsProxy } from './support/neon-ws-proxy';
import { startNotYetAccepting } from './support/not-yet-accepting';
import { freshDatabase, pointedAt, scriptEnv, selectedTargets, type TestDatabase } from './support/targets';
import { rejection } from './support/rejection';

const SECRET = 'n0t-in-any-l0g';
const LINE = /^db: attempt (\d+) of (\d+) to reach \w+ \(.*\) failed \(.+\); (next in \d+\.\d\d s|giving up) \(DB_CONNECT_RETRIES=\d+\)$/;

/** The test servers' ports: PostgreSQL, pgbouncer, the Neon WebSocket proxy and HTTP endpoint. */
function serverPorts(): { all: number[]; database: number } {
  const env = inject('testEnv');
  const portOf = (address: string) => Number(/127\.0\.0\.1:(\d+)/.exec(address)?.[1]);
  return { all: [env.pg.port, env.pgbouncerPort, portOf(env.neonWsProxy), portOf(env.neonHttpEndpoint)], database: env.pg.port };
}

/** Every string value moved onto the late listeners. */
function moved<T extends Record<string, unknown>>(late: LateListeners, values: T): T {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? late.rewrite(v) : v])) as T;
}

/** The password appears nowhere: log lines, message, stack, hidden fields and causes. */
function expectNoPassword(texts: string[], password: string): void {
  for (const text of texts) expect(text).not.toContain(`:${password}@`);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

function runScript(file: string, env: NodeJS.ProcessEnv, onStderrLine: (line: string) => void): Promise<{ code: number | null; stdout: string; stderr: string[] }> {
  const child = spawn('npx', ['tsx', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let partial = '';
  const stderr: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim() && !l.startsWith('npm warn'))) {
      stderr.push(line);
      onStderrLine(line);
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('DB_CONNECT_RETRIES and the connectRetries option', () => {
  it('are checked like the other settings: a whole number, 0 or more', () => {
    const url = 'postgres://app:pw@127.0.0.1:5432/app';
    for (const bad of ['-1', '2.5', 'many']) {
      expect(() => createDatabaseClient('local', { url }, { DB_CONNECT_RETRIES: bad })).toThrow(new ConfigError(`DB_CONNECT_RETRIES must be a whole number, 0 or more (got "${bad}")`));
    }
    expect(() => createDatabaseClient('local', { url, connectRetries: -2 }, {})).toThrow(ConfigError);
    expect(() => createDatabaseClient('local', { url, connectRetries: 0.5 }, {})).toThrow(/connectRetries must be a whole number/);
    for (const fine of [{ DB_CONNECT_RETRIES: '0' }, { DB_CONNECT_RETRIES: '12' }, {}]) void createDatabaseClient('local', { url }, fine).close();
  });

  it('wait 0.25 s, 0.5 s, 1 s … before each retry, capped at 8 s, each 50–100 % of that (jitter)', () => {
    const bounds = [1, 2, 3, 4, 5, 6, 7, 20].map((k) => [retryDelay(k, () => 0), retryDelay(k, () => 0.999_999)].map(Math.round));
    expect(bounds).toEqual([
      [125, 250],
      [250, 500],
      [500, 1000],
      [1000, 2000],
      [2000, 4000],
      [4000, 8000],
      [4000, 8000],
      [4000, 8000],
    ]);
  });
});

for (const target of selectedTargets()) {
  describe(`${target.name}: started before the database`, () => {
    if (!target.capabilities.startupRetry) {
      // A file that cannot be opened is not a server that is still starting: no waiting, no log.
      it('DB_CONNECT_RETRIES does not retry: an unopenable file fails at once', () => {
        expect(target.capabilities.startupRetry).toBe(false);
        const file = join(tmpdir(), `not-a-dir-${process.pid}`);
        writeFileSync(file, 'x');
        const lines: string[] = [];
        const started = Date.now();
        expect(() => createDatabaseClient(target.provider, { url: join(file, 'app.db'), onConnectRetry: (l) => lines.push(l) }, { DB_CONNECT_RETRIES: '5' })).toThrow(ConnectionError);
        expect(Date.now() - started).toBeLessThan(2000);
        expect(lines).toEqual([]);
      });
      return;
    }

    let t: TestDatabase;
    beforeAll(async () => {
      t = await freshDatabase(target);
    });
    afterAll(() => t?.cleanup());

    /** A handle on the test database whose every address is held by `late`, with these settings. */
    const openLate = (late: LateListeners, extra: ProviderOverrides, env: NodeJS.ProcessEnv = {}) =>
      createDatabaseClient(target.provider, { ...moved(late, t.overrides as Record<string, unknown>), connectTimeout: 2, ...extra }, { ...moved(late, process.env), ...env });

    it('without retries the first query fails at once as before; with DB_CONNECT_RETRIES=5 it waits, logs each attempt and succeeds', async () => {
      const late = await lateListeners(serverPorts().all);
      try {
        const plain = openLate(late, {});
        const error = await rejection(() => createRepositories(plain).books.count()).finally(() => plain.close());
        expect(error).toBeInstanceOf(ConnectionError);

        const lines: string[] = [];
        // The servers start once the handle has failed twice: the third attempt finds them.
        const onConnectRetry = (line: string) => {
          lines.push(line);
          if (lines.length === 2) void late.open();
        };
        const db = openLate(late, { onConnectRetry }, { DB_CONNECT_RETRIES: '5' });
        const started = Date.now();
        try {
          expect(await createRepositories(db).books.count()).toBe(0);
        } finally {
          await db.close();
        }
        expect(Date.now() - started).toBeLessThan(20_000);
        expect(lines).toHaveLength(2);
        expect(lines.map((l) => LINE.exec(l)?.slice(1, 3))).toEqual([
          ['1', '6'],
          ['2', '6'],
        ]);
        expect(lines.join('\n')).toContain(':****@');
        expectNoPassword(lines, inject('testEnv').pg.password);
      } finally {
        await late.stop();
      }
    });

    it('ten first queries at once share one wait: one log line per attempt, and all ten succeed', async () => {
      const late = await lateListeners(serverPorts().all);
      try {
        const lines: string[] = [];
        const onConnectRetry = (line: string) => {
          lines.push(line);
          if (lines.length === 2) void late.open();
        };
        // Ten connections open at once after the wait: a busy machine may need more than the 2 s of the other tests.
        const db = openLate(late, { connectRetries: 5, onConnectRetry, connectTimeout: 10 });
        try {
          const repos = createRepositories(db);
          const counts = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? repos.books.count() : db.transaction((tx) => createRepositories(tx).authors.count()))));
          expect(counts).toEqual(Array(10).fill(0));
        } finally {
          await db.close();
        }
        expect(lines.map((l) => LINE.exec(l)?.[1])).toEqual(['1', '2']);
      } finally {
        await late.stop();
      }
    });

    if (target.proxies.webSocket) {
      it('the Neon proxy is up and PostgreSQL behind it starts later (a compute waking): the first query waits for it', async () => {
        const late = await lateListeners([serverPorts().database]);
        // The compute's address is late; the proxy in front of it (a new one that dials that address) is up.
        const proxy = await startNeonWsProxy({ host: '127.0.0.1', port: late.port(serverPorts().database) });
        try {
          const lines: string[] = [];
          const db = openLate(
            late,
            {
              connectRetries: 5,
              onConnectRetry: (line) => {
                lines.push(line);
                void late.open();
              },
            },
            { NEON_WS_PROXY: proxy.wsProxy },
          );
          try {
            expect(await createRepositories(db).books.count()).toBe(0);
            // Transactions go over the WebSocket pool on both drivers.
            expect(await db.transaction((tx) => createRepositories(tx).authors.count())).toBe(0);
          } finally {
            await db.close();
          }
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatch(LINE);
        } finally {
          await proxy.stop();
          await late.stop();
        }
      });
    }

    // A server in recovery answers logins with 57P03; a pooler in front would hide it, so only direct routes.
    if (!target.capabilities.transactionPooler) {
      it('a PostgreSQL still in recovery (57P03) is a ConnectionError without retries, and is waited for with them', async () => {
        const server = await startNotYetAccepting();
        const proxy = target.proxies.webSocket ? await startNeonWsProxy({ host: '127.0.0.1', port: server.port }) : undefined;
        try {
          const overrides = { ...t.overrides, url: server.url('postgres'), connectTimeout: 2 };
          const env = { ...process.env, ...(proxy ? { NEON_WS_PROXY: proxy.wsProxy } : {}) };
          const plain = createDatabaseClient(target.provider, overrides, env);
          const error = await rejection(() => plain.execute(sql`select 1`)).finally(() => plain.close());
          expect(error).toBeInstanceOf(ConnectionError);
          expect((error as Error).message).toContain('(57P03)');

          const lines: string[] = [];
          const onConnectRetry = (line: string) => {
            lines.push(line);
            if (lines.length === 1) void server.promote();
          };
          const db = createDatabaseClient(target.provider, { ...overrides, connectRetries: 8, onConnectRetry }, env);
          try {
            expect(await db.execute(sql`select 1 as ok`)).toEqual([{ ok: 1 }]);
            expect(await db.transaction((tx) => tx.execute(sql`select 2 as ok`))).toEqual([{ ok: 2 }]);
          } finally {
            await db.close();
          }
          expect(lines.length).toBeGreaterThanOrEqual(1);
          for (const line of lines) expect(line).toMatch(LINE);
          expect(lines[0]).toContain('(57P03: the database system is not accepting connections)');
        } finally {
          await proxy?.stop();
          server.stop();
        }
      });
    }

    it('retries exhausted: a ConnectionError saying how many attempts were made and naming DB_CONNECT_RETRIES, no password anywhere', async () => {
      const { overrides, env } = pointedAt(target, await closedPort(), SECRET);
      const calls = {
        'a repository call': (db: DatabaseClient) => createRepositories(db).books.count(),
        'transaction()': (db: DatabaseClient) => db.transaction((tx) => createRepositories(tx).books.count()),
      };
      for (const [what, call] of Object.entries(calls)) {
        const lines: string[] = [];
        const db = createDatabaseClient(target.provider, { ...overrides, connectRetries: 2, onConnectRetry: (l) => lines.push(l) }, env);
        const started = Date.now();
        const error = await rejection(() => call(db)).finally(() => db.close());
        expect(Date.now() - started, what).toBeLessThan(20_000);
        expect(error, what).toBeInstanceOf(ConnectionError);
        expect((error as Error).message, what).toMatch(/; gave up after 3 attempts in \d+\.\d s \(DB_CONNECT_RETRIES=2; raise it to wait longer\)$/);
        expect(
          lines.map((l) => LINE.exec(l)?.slice(1)),
          what,
        ).toEqual([
          ['1', '3', expect.stringMatching(/^next in/)],
          ['2', '3', expect.stringMatching(/^next in/)],
          ['3', '3', 'giving up'],
        ]);
        for (const text of [...lines, String((error as Error).stack), inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error)]) {
          expect(text, what).not.toContain(SECRET);
        }
      }
    });

    it('db:status started before the database, with DB_CONNECT_RETRIES=8, waits and reports the migrations', async () => {
      const late = await lateListeners(serverPorts().all);
      try {
        const env = { ...moved(late, scriptEnv(t)), DB_CONNECT_RETRIES: '8', DB_CONNECT_TIMEOUT: '2' };
        const started = Date.now();
        // The servers start when the script logs its first failed attempt.
        const result = await runScript('scripts/status.ts', env, (line) => {
          if (LINE.test(line)) void late.open();
        });
        expect(Date.now() - started).toBeLessThan(45_000);
        expect(result.code, result.stderr.join('\n')).toBe(0);
        expect(result.stdout).toContain(`${target.provider}: ${readMigrationFiles(migrationsFolder(target.provider)).length} applied, 0 pending`);
        expect(result.stderr.length).toBeGreaterThanOrEqual(1);
        for (const line of result.stderr) expect(line).toMatch(LINE);
        expect(result.stderr[0]).toMatch(/^db: attempt 1 of 9 /);
        expectNoPassword(result.stderr, inject('testEnv').pg.password);
      } finally {
        await late.stop();
      }
    });
  });
}
