/** The one async transaction API: commit, rollback on throw, savepoints when nested, on every provider. */
import { count, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, type DatabaseClient, OuterHandleError, UniqueViolationError } from '../db';
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

    it("the callback's own errors reach the caller unchanged, even with a code; a failing query is still typed", async () => {
      const enoent = Object.assign(new Error('no such file'), { code: 'ENOENT' });
      const funds = { code: 'E_FUNDS', message: 'insufficient funds' };
      const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }) });
      for (const own of [enoent, funds, refused, 'a plain string']) {
        await expect(
          t.client.transaction(async () => {
            throw own;
          }),
        ).rejects.toBe(own);
      }
      const before = await authorCount(t.client);
      const error = await t.client
        .transaction(async (tx) => {
          const { db, tables } = portable(tx);
          const [first] = await db.insert(tables.authors).values({ name: 'kept out' }).returning();
          await db.insert(tables.authors).values({ id: first!.id, name: 'duplicate id' });
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(await authorCount(t.client)).toBe(before);
    });

    it('the outer handle inside its own transaction callback is a typed error on every provider; nothing is written', async () => {
      const before = await authorCount(t.client);
      const outer = createRepositories(t.client);
      const error = await t.client
        .transaction(async (tx) => {
          await createRepositories(tx).authors.create({ name: 'inside' });
          await outer.authors.create({ name: 'through the outer handle' });
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OuterHandleError);
      expect((error as Error).message).toMatch(/use the tx handle/);
      expect(await authorCount(t.client)).toBe(before);
      // Another handle (its own connection) is not the outer handle: it may be used.
      const other = t.open();
      expect(await t.client.transaction(async () => other.execute(sql`select 1 as one`))).toEqual([{ one: 1 }]);
    });
  });
}
