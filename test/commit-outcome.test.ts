/**
 * A connection cut during COMMIT: the caller learns from a CommitOutcomeError whether the transaction
 * committed (asked on a new connection), and `{ retry }` runs it again only when it rolled back. A real TCP
 * fault proxy sits between the driver and the server (PostgreSQL, or pgbouncer for supabase; for neon-ws
 * the WebSocket proxy dials it). SQLite commits in-process, so there is nothing to cut there.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommitOutcomeError, createDatabaseClient, type DatabaseClient } from '../db';
import { startFaultProxy, type FaultMode, type FaultProxy } from './support/fault-proxy';
import { startNeonWsProxy, type NeonWsProxy } from './support/neon-ws-proxy';
import { portable } from './support/portable';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';
import { rejection } from './support/rejection';

// Neon over HTTP runs its transactions over the same WebSocket pool as neon-ws: one of them is enough.
const targets = selectedTargets().filter((t) => t.capabilities.family === 'pg' && !t.capabilities.httpQueries);

// A file with no suite fails the run (PROVIDERS=sqlite): the loop sits in a suite that is skipped when empty.
describe.runIf(targets.length > 0)('a connection cut during COMMIT', () => {
  for (const target of targets) {
    describe(`${target.name}: a connection cut during COMMIT`, () => {
      let t: TestDatabase;
      let proxy: FaultProxy;
      let webSocket: NeonWsProxy | undefined;
      let viaProxy: DatabaseClient;
      let serial = 0;

      beforeAll(async () => {
        t = await freshDatabase(target);
        const url = new URL(t.overrides.url!);
        proxy = await startFaultProxy({ host: url.hostname, port: Number(url.port) });
        url.port = String(proxy.port);
        // The Neon driver dials its WebSocket proxy, not the URL's host: that proxy dials the fault proxy.
        webSocket = target.proxies.webSocket ? await startNeonWsProxy({ host: '127.0.0.1', port: proxy.port }) : undefined;
        const env = webSocket ? { ...process.env, NEON_WS_PROXY: webSocket.wsProxy } : process.env;
        viaProxy = createDatabaseClient(target.provider, { ...t.overrides, url: url.toString(), connectTimeout: 5 }, env);
      });
      afterAll(async () => {
        await viaProxy?.close();
        await t?.cleanup();
        await webSocket?.stop();
        await proxy?.stop();
      });

      /** How many authors named `name` exist, asked directly (not through the proxy). */
      async function stored(name: string): Promise<number> {
        const { db, tables } = portable(t.client);
        const rows = await portable(t.client).run(() => db.select().from(tables.authors).where(eq(tables.authors.name, name)));
        return rows.length;
      }

      /** Runs one insert transaction through the proxy in `mode` (once), counting how often the callback ran. */
      async function insertThrough(mode: FaultMode, retry = 0): Promise<{ name: string; calls: number; error: unknown }> {
        const name = `cut ${mode} ${++serial}`;
        let calls = 0;
        proxy.mode = mode;
        proxy.once = true;
        const faultsBefore = proxy.faults;
        let error: unknown;
        try {
          await viaProxy.transaction(
            async (tx) => {
              calls++;
              await portable(tx).db.insert(portable(tx).tables.authors).values({ name });
            },
            { retry },
          );
        } catch (caught) {
          error = caught;
        }
        expect(proxy.faults, 'the proxy acted on the COMMIT').toBe(faultsBefore + 1);
        return { name, calls, error };
      }

      it('cut before the COMMIT reaches the server → CommitOutcomeError "rolled back", nothing stored', async () => {
        const { name, error } = await insertThrough('cut-before-commit');
        expect(error).toBeInstanceOf(CommitOutcomeError);
        expect(error).toMatchObject({ code: 'COMMIT_OUTCOME', outcome: 'rolled back' });
        expect((error as Error).message).toMatch(/rolled back.*running it again is safe/);
        expect(await stored(name)).toBe(0);
      });

      it('cut after the server answered COMMIT → CommitOutcomeError "committed", stored once', async () => {
        const { name, error } = await insertThrough('cut-after-commit-reply');
        expect(error).toBeInstanceOf(CommitOutcomeError);
        expect(error).toMatchObject({ code: 'COMMIT_OUTCOME', outcome: 'committed' });
        expect((error as Error).message).toMatch(/committed.*do not run it again/);
        expect(await stored(name)).toBe(1);
      });

      it('cut after COMMIT was forwarded, before any answer → the outcome the error reports is what the database holds', async () => {
        const { name, error } = await insertThrough('cut-after-commit');
        expect(error).toBeInstanceOf(CommitOutcomeError);
        const { outcome } = error as CommitOutcomeError;
        expect(['committed', 'rolled back']).toContain(outcome);
        expect(await stored(name)).toBe(outcome === 'committed' ? 1 : 0);
      });

      it('{ retry } runs the callback again after a known rollback, and never after a commit', async () => {
        const rolledBack = await insertThrough('cut-before-commit', 3);
        expect(rolledBack.error).toBeUndefined();
        expect(rolledBack.calls).toBe(2);
        expect(await stored(rolledBack.name)).toBe(1);

        const committed = await insertThrough('cut-after-commit-reply', 3);
        expect(committed.error).toMatchObject({ outcome: 'committed' });
        expect(committed.calls).toBe(1);
        expect(await stored(committed.name)).toBe(1);
      });

      it('a transaction that wrote nothing, cut at COMMIT → "rolled back" (nothing to lose), without asking the server', async () => {
        proxy.mode = 'cut-before-commit';
        proxy.once = true;
        const error = await rejection(() => viaProxy.transaction((tx) => tx.execute(sql`select 1`)));
        expect(error).toMatchObject({ code: 'COMMIT_OUTCOME', outcome: 'rolled back' });
        expect((error as Error).message).toContain('wrote nothing');
      });
    });
  }
});
