/**
 * Nested transactions started at the same time on one transaction handle: they take turns, so a failing one
 * undoes only its own work and a resolved one's rows are in the outer commit, on every provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, type DatabaseClient, OuterHandleError } from '../db';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lets other callbacks run (several event-loop turns) without waiting on a clock. */
const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

const names = async (db: DatabaseClient, prefix: string) =>
  (await createRepositories(db).authors.findMany({ filters: { name: { startsWith: prefix } }, orderBy: { field: 'name' }, pagination: { limit: 100 } })).map((a) => a.name);

for (const target of selectedTargets()) {
  describe(`${target.name}: concurrent nested transactions`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await freshDatabase(target);
    });
    afterAll(() => t.cleanup());

    it('one fails after the other resolved: the resolved one keeps its rows and the outer commit has them', async () => {
      const outcome = await t.client.transaction(async (tx) => {
        let keptDone: () => void = () => undefined;
        const kept = new Promise<void>((resolve) => (keptDone = resolve));
        // The failing one opens its savepoint first and fails only once the other has finished (where both
        // run at once), so a shared savepoint stack would roll the other's released work back with its own.
        const failing = tx.transaction(async (inner) => {
          await createRepositories(inner).authors.create({ name: 'A failing 1' });
          await Promise.race([kept, pause(200)]);
          throw new Error('this one fails');
        });
        const keeping = tx.transaction(async (inner) => {
          const r = createRepositories(inner);
          await r.authors.create({ name: 'A kept 1' });
          await ticks(3);
          await r.authors.create({ name: 'A kept 2' });
          return 'kept';
        });
        keeping.then(keptDone, keptDone);
        const [f, k] = await Promise.allSettled([failing, keeping]);
        expect(f.status).toBe('rejected');
        expect(k).toEqual({ status: 'fulfilled', value: 'kept' });
        // Inside the outer transaction, before its commit.
        expect(await names(tx, 'A ')).toEqual(['A kept 1', 'A kept 2']);
        return 'committed';
      });
      expect(outcome).toBe('committed');
      expect(await names(t.client, 'A ')).toEqual(['A kept 1', 'A kept 2']);
    });

    it('eight at once, every other one failing: exactly the resolved ones are committed', async () => {
      const settled = await t.client.transaction(async (tx) =>
        Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            tx.transaction(async (inner) => {
              const r = createRepositories(inner);
              await r.authors.create({ name: `B ${i} first` });
              await ticks(i % 3);
              await r.authors.create({ name: `B ${i} second` });
              if (i % 2 === 1) throw new Error(`nested ${i} fails`);
              return i;
            }),
          ),
        ),
      );
      const resolved = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      expect(resolved).toEqual([0, 2, 4, 6]);
      expect(await names(t.client, 'B ')).toEqual(resolved.flatMap((i) => [`B ${i} first`, `B ${i} second`]));
    });

    it('a transaction handle used inside its own nested callback is an OuterHandleError, not a wait for ever', async () => {
      const error = await t.client
        .transaction(async (tx) =>
          tx.transaction(async (inner) => {
            await createRepositories(inner).authors.create({ name: 'C never' });
            await tx.transaction(async () => undefined);
          }),
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OuterHandleError);
      expect(await names(t.client, 'C ')).toEqual([]);
      // The callback's own handle nests as before.
      await t.client.transaction(async (tx) => tx.transaction(async (inner) => inner.transaction(async (deeper) => createRepositories(deeper).authors.create({ name: 'C deeper' }))));
      expect(await names(t.client, 'C ')).toEqual(['C deeper']);
    });
  });
}
