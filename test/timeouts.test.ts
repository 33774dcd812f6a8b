/**
 * Nothing waits for ever. A server that accepts the login and then goes silent (a real TCP fault proxy that
 * forwards nothing after the first ReadyForQuery) fails a query and a transaction by DB_STATEMENT_TIMEOUT,
 * db:health by its own timeout, and close() leaves no unhandled rejection. A pool whose connections are all
 * held by open transactions fails one more caller by DB_POOL_TIMEOUT. Bounds are generous: without the
 * timeouts these calls never end (each case races a 20 s guard).
 */
import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabaseClient, type DatabaseClient, healthCheck, healthReport, PoolTimeoutError, type ProviderOverrides, StatementTimeoutError } from '../db';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { startNeonWsProxy, type NeonWsProxy } from './support/neon-ws-proxy';
import { freshDatabase, scriptEnv, selectedTargets, type TestDatabase, type TestTarget } from './support/targets';

const GUARD_MS = 20_000;

/** What `run` settles with, or 'still waiting' after the guard: a hang is a failed assertion, not a stuck run. */
async function outcome(run: () => Promise<unknown>): Promise<{ value?: unknown; error?: unknown; ms: number } | 'still waiting'> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<'still waiting'>((resolve) => {
    timer = setTimeout(() => resolve('still waiting'), GUARD_MS);
  });
  const settled = run().then(
    (value) => ({ value, ms: Date.now() - started }),
    (error: unknown) => ({ error, ms: Date.now() - started }),
  );
  return Promise.race([settled, guard]).finally(() => clearTimeout(timer));
}

/** A client-side statement timeout is needed on every pooled Postgres target; Neon over HTTP sends plain queries as requests (DB_CONNECT_TIMEOUT bounds those). */
const targets = selectedTargets().filter((t) => t.capabilities.family === 'pg' && !t.capabilities.httpQueries);

/** Opens handles on `t`'s database whose every connection goes through `proxy` (for Neon: via a WebSocket proxy that dials it). */
async function throughProxy(target: TestTarget, t: TestDatabase, proxy: FaultProxy) {
  const url = new URL(t.overrides.url!);
  url.port = String(proxy.port);
  const webSocket: NeonWsProxy | undefined = target.proxies.webSocket ? await startNeonWsProxy({ host: '127.0.0.1', port: proxy.port }) : undefined;
  const env = webSocket ? { ...process.env, NEON_WS_PROXY: webSocket.wsProxy } : process.env;
  const opened: DatabaseClient[] = [];
  const moved = { url: url.toString() };
  return {
    /** The variables that make `npm run db:*` use this database through the proxy. */
    scriptEnv: { ...scriptEnv({ ...t, overrides: { ...t.overrides, ...moved }, directOverrides: { ...t.directOverrides, ...moved } }), ...(webSocket ? { NEON_WS_PROXY: webSocket.wsProxy } : {}) },
    open(extra: ProviderOverrides = {}) {
      const db = createDatabaseClient(target.provider, { ...t.overrides, url: url.toString(), connectTimeout: 5, ...extra }, env);
      opened.push(db);
      return db;
    },
    async stop() {
      await Promise.allSettled(opened.map((db) => db.close()));
      await webSocket?.stop();
    },
  };
}

describe('timeout options', () => {
  it('statementTimeout and poolTimeout of 0, below 0 or not a number are a ConfigError naming the option', () => {
    for (const [key, value] of [
      ['statementTimeout', 0],
      ['poolTimeout', -1],
      ['statementTimeout', Number.NaN],
    ] as const) {
      expect(() => createDatabaseClient('local', { url: 'postgres://u@127.0.0.1:1/db', [key]: value }), `${key}: ${value}`).toThrow(new RegExp(`${key} must be a number of seconds above 0`));
    }
  });
});

// A file with no suite fails the run (PROVIDERS=sqlite): the loop sits in a suite that is skipped when empty.
describe.runIf(targets.length > 0)('timeouts', () => {
  for (const target of targets) {
    describe(`${target.name}: nothing waits for ever`, () => {
      let t: TestDatabase;
      let proxy: FaultProxy;
      let via: Awaited<ReturnType<typeof throughProxy>>;
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);

      beforeAll(async () => {
        t = await freshDatabase(target);
        const url = new URL(t.overrides.url!);
        proxy = await startFaultProxy({ host: url.hostname, port: Number(url.port) });
        via = await throughProxy(target, t, proxy);
      });
      afterAll(async () => {
        await via?.stop();
        await t?.cleanup();
        await proxy?.stop();
      });
      beforeEach(() => {
        unhandled.length = 0;
        process.on('unhandledRejection', onUnhandled);
      });
      afterEach(() => {
        process.off('unhandledRejection', onUnhandled);
      });

      it('a server silent after the login: a query fails by DB_STATEMENT_TIMEOUT, and close() leaves no unhandled rejection', async () => {
        proxy.mode = 'silent-after-login';
        const db = via.open({ statementTimeout: 1 });
        const result = await outcome(() => db.execute(sql`select 1`));
        expect(result).not.toBe('still waiting');
        const { error } = result as { error?: unknown };
        expect(error).toBeInstanceOf(StatementTimeoutError);
        expect(error).toMatchObject({ code: 'STATEMENT_TIMEOUT' });
        expect((error as Error).message).toContain('DB_STATEMENT_TIMEOUT');
        expect(await outcome(() => db.close())).not.toBe('still waiting');
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(unhandled.map((r) => String((r as Error)?.stack ?? r))).toEqual([]);
      });

      it('a server silent after the login: a transaction fails by DB_STATEMENT_TIMEOUT, and close() leaves no unhandled rejection', async () => {
        proxy.mode = 'silent-after-login';
        const db = via.open({ statementTimeout: 1 });
        const result = await outcome(() => db.transaction((tx) => tx.execute(sql`select 1`)));
        expect(result).not.toBe('still waiting');
        const { error } = result as { error?: unknown };
        expect(error).toBeInstanceOf(StatementTimeoutError);
        expect((error as Error).message).toContain('DB_STATEMENT_TIMEOUT');
        expect(await outcome(() => db.close())).not.toBe('still waiting');
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(unhandled.map((r) => String((r as Error)?.stack ?? r))).toEqual([]);
      });

      it('a statement slower than DB_STATEMENT_TIMEOUT fails by it, and the handle goes on with a new connection', async () => {
        proxy.mode = 'pass';
        const db = via.open({ statementTimeout: 1, poolMax: 1 });
        const result = await outcome(() => db.execute(sql`select pg_sleep(10)`));
        expect(result).not.toBe('still waiting');
        const { error, ms } = result as { error?: unknown; ms: number };
        expect(error).toBeInstanceOf(StatementTimeoutError);
        // Well before the statement would have ended by itself.
        expect(ms).toBeLessThan(8000);
        const rows = await db.execute(sql`select 1 as one`);
        expect(Number(rows[0]?.one)).toBe(1);
        expect(unhandled).toEqual([]);
      });

      it('a server silent after the login: healthCheck and the db:health report are unhealthy within their own timeout', async () => {
        proxy.mode = 'silent-after-login';
        // The statement timeout is left at its default (30 s): the health check's own timeout must end the wait.
        const db = via.open();
        const check = await outcome(() => healthCheck(db, { timeout: 1 }));
        expect(check).not.toBe('still waiting');
        expect((check as { value: unknown }).value).toMatchObject({ ok: false, error: expect.stringContaining("health check's own timeout") });
        const report = await outcome(() => healthReport(db, { timeout: 1 }));
        expect(report).not.toBe('still waiting');
        expect((report as { value: unknown }).value).toMatchObject({ ok: false, reachable: false });
        expect(await outcome(() => db.close())).not.toBe('still waiting');
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(unhandled.map((r) => String((r as Error)?.stack ?? r))).toEqual([]);
      });

      it('a server silent after the login: npm run db:health prints UNHEALTHY and exits 1 within its own timeout', async () => {
        proxy.mode = 'silent-after-login';
        const child = spawn('npx', ['tsx', 'scripts/health.ts'], { env: via.scriptEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        const kill = setTimeout(() => child.kill('SIGKILL'), 40_000);
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve)).finally(() => clearTimeout(kill));
        expect(code, stdout).toBe(1);
        expect(stdout).toMatch(/status\s+UNHEALTHY/);
        expect(stdout).toContain("health check's own timeout");
      }, 60_000);

      it('every connection held by an open transaction: one more caller fails by DB_POOL_TIMEOUT, and runs once one is free', async () => {
        proxy.mode = 'pass';
        const db = via.open({ poolMax: 2, poolTimeout: 1 });
        let let_go!: () => void;
        const held = new Promise<void>((resolve) => (let_go = resolve));
        let started = 0;
        const holders = [1, 2].map(() =>
          db.transaction(async (tx) => {
            await tx.execute(sql`select 1`);
            started++;
            await held;
          }),
        );
        while (started < 2) await new Promise((resolve) => setTimeout(resolve, 20));

        for (const call of [() => db.execute(sql`select 1`), () => db.transaction((tx) => tx.execute(sql`select 1`))]) {
          const result = await outcome(call);
          expect(result).not.toBe('still waiting');
          const { error } = result as { error?: unknown };
          expect(error).toBeInstanceOf(PoolTimeoutError);
          expect(error).toMatchObject({ code: 'POOL_TIMEOUT' });
          expect((error as Error).message).toMatch(/DB_POOL_TIMEOUT/);
        }
        // A caller waiting when a connection frees up gets it.
        const waiter = db.execute(sql`select 2 as two`);
        let_go();
        await Promise.all(holders);
        expect(Number((await waiter)[0]?.two)).toBe(2);
      });
    });
  }
});
