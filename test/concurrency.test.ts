/**
 * Concurrency on every provider: 100 concurrent creates; two transactions with awaits between
 * statements plus plain writes from a third caller (no interleaving, the failing one leaves nothing);
 * retries on a transient conflict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, TransactionConflictError, type Repositories } from '../db';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const target of selectedTargets()) {
  describe(`${target.name}: concurrency`, () => {
    let t: TestDatabase;
    let repos: Repositories;

    beforeAll(async () => {
      t = await freshDatabase(target);
      repos = createRepositories(t.client);
    });
    afterAll(() => t.cleanup());

    it('100 concurrent creates: all present, ids unique', async () => {
      const created = await Promise.all(Array.from({ length: 100 }, (_, i) => repos.authors.create({ name: `Concurrent ${i}` })));
      expect(new Set(created.map((a) => a.id)).size).toBe(100);
      expect(await repos.authors.count({ name: { startsWith: 'Concurrent ' } })).toBe(100);
    });

    it('two async transactions and a third plain writer: all-or-nothing, no interleaving', async () => {
      const log: string[] = [];
      const committing = t.client.transaction(async (tx) => {
        const r = createRepositories(tx);
        for (let i = 0; i < 5; i++) {
          await r.authors.create({ name: `tx-ok ${i}` });
          log.push('ok');
          await pause(3);
        }
      });
      const failing = t.client.transaction(async (tx) => {
        const r = createRepositories(tx);
        for (let i = 0; i < 5; i++) {
          await r.authors.create({ name: `tx-fail ${i}` });
          log.push('fail');
          await pause(3);
        }
        throw new Error('abort this one');
      });
      const plain = (async () => {
        for (let i = 0; i < 5; i++) {
          await repos.authors.create({ name: `plain ${i}` });
          await pause(2);
        }
      })();
      const [ok, failed, third] = await Promise.allSettled([committing, failing, plain]);
      expect(ok.status).toBe('fulfilled');
      expect(third.status).toBe('fulfilled');
      expect(failed.status).toBe('rejected');
      expect(await repos.authors.count({ name: { startsWith: 'tx-ok ' } })).toBe(5);
      expect(await repos.authors.count({ name: { startsWith: 'tx-fail ' } })).toBe(0);
      expect(await repos.authors.count({ name: { startsWith: 'plain ' } })).toBe(5);
      if (t.client.capabilities.singleConnection) {
        // One connection: the second transaction only starts once the first has finished.
        expect(log.join(',')).toMatch(/^(ok,){4}ok,(fail,){4}fail$|^(fail,){4}fail,(ok,){4}ok$/);
      }
    });

    it('{ retry } re-runs the whole callback after a transient conflict, then gives up with TransactionConflictError', async () => {
      let attempts = 0;
      // What a repository call raises when the database reports 40001/40P01/SQLITE_BUSY (a real deadlock is tested below).
      const conflict = new TransactionConflictError('Transaction conflict (40001) during test: retry the transaction');
      const result = await t.client.transaction(
        async (tx) => {
          attempts++;
          await createRepositories(tx).authors.create({ name: `retry ${attempts}` });
          if (attempts < 3) throw conflict;
          return attempts;
        },
        { retry: 3 },
      );
      expect(result).toBe(3);
      expect(await repos.authors.count({ name: { startsWith: 'retry ' } })).toBe(1);
      attempts = 0;
      const always = t.client.transaction(
        async () => {
          attempts++;
          throw conflict;
        },
        { retry: 2 },
      );
      await expect(always).rejects.toBeInstanceOf(TransactionConflictError);
      expect(attempts).toBe(3);
    });

    it('a real deadlock between two transactions is retried with { retry } and both commit', async () => {
      const [a, b] = [await repos.authors.create({ name: 'lock A' }), await repos.authors.create({ name: 'lock B' })];
      let attempts = 0;
      // Where transactions run in parallel, make each hold its first row lock before taking the second.
      const parallel = !t.client.capabilities.singleConnection;
      let arrived = 0;
      let release: () => void = () => undefined;
      const bothHoldFirstLock = new Promise<void>((resolve) => (release = resolve));
      const barrier = async () => {
        if (!parallel) return;
        arrived++;
        if (arrived === 2) release();
        await Promise.race([bothHoldFirstLock, pause(3000)]);
      };
      const crossUpdate = (first: number, second: number, label: string) =>
        t.client.transaction(
          async (tx) => {
            attempts++;
            const r = createRepositories(tx);
            await r.authors.update(first, { bio: label });
            await barrier();
            await r.authors.update(second, { bio: label });
          },
          { retry: 5 },
        );
      await Promise.all([crossUpdate(a.id, b.id, 'one'), crossUpdate(b.id, a.id, 'two')]);
      const [finalA, finalB] = [await repos.authors.findById(a.id), await repos.authors.findById(b.id)];
      expect(finalA!.bio).toBe(finalB!.bio); // the transaction that committed last wrote both rows
      if (parallel)
        expect(attempts).toBeGreaterThan(2); // the deadlock victim ran again
      else expect(attempts).toBe(2);
    });
  });
}
