/** The one async transaction API: commit, rollback on throw, savepoints when nested, on every provider. */
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseClient } from '../db';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';
import { portable } from './support/portable';

async function authorCount(db: DatabaseClient): Promise<number> {
  const [row] = await portable(db).run((d) => d.select({ n: count() }).from(portable(db).tables.authors));
  return row!.n;
}

for (const target of selectedTargets()) {
  describe(`${target.name}: transactions`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await freshDatabase(target);
    });
    afterAll(() => t.cleanup());

    it('commits everything written in the callback, across awaits', async () => {
      const before = await authorCount(t.client);
      const result = await t.client.transaction(async (tx) => {
        expect(tx.inTransaction).toBe(true);
        await portable(tx).db.insert(portable(tx).tables.authors).values({ name: 'first' });
        await new Promise((resolve) => setTimeout(resolve, 5));
        await portable(tx).db.insert(portable(tx).tables.authors).values({ name: 'second' });
        return 'done';
      });
      expect(result).toBe('done');
      expect(await authorCount(t.client)).toBe(before + 2);
    });

    it('rolls back everything when the callback throws, and rethrows the same error', async () => {
      const before = await authorCount(t.client);
      const boom = new Error('boom');
      await expect(
        t.client.transaction(async (tx) => {
          await portable(tx).db.insert(portable(tx).tables.authors).values({ name: 'lost' });
          await new Promise((resolve) => setTimeout(resolve, 5));
          await portable(tx).db.insert(portable(tx).tables.authors).values({ name: 'lost too' });
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await authorCount(t.client)).toBe(before);
    });

    it('nests with a savepoint: the inner failure is undone, the outer work commits', async () => {
      const before = await authorCount(t.client);
      await t.client.transaction(async (tx) => {
        await portable(tx).db.insert(portable(tx).tables.authors).values({ name: 'outer' });
        await expect(
          tx.transaction(async (inner) => {
            await portable(inner).db.insert(portable(inner).tables.authors).values({ name: 'inner' });
            throw new Error('inner fails');
          }),
        ).rejects.toThrow('inner fails');
        await tx.transaction(async (inner) => {
          await portable(inner).db.insert(portable(inner).tables.authors).values({ name: 'inner kept' });
        });
      });
      expect(await authorCount(t.client)).toBe(before + 2);
    });
  });
}
