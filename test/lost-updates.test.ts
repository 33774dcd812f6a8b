/**
 * No update is lost silently. Transfers between balances (books.pages here) written as read-then-write hold
 * the sum and every balance exactly under each remedy the API offers: an isolation level with `retry`, a row
 * lock (findById(id, { forUpdate: true })) and an in-place increment (update(id, {}, { increment })). A control
 * shows that the same code under plain read committed does lose an update, with two transactions
 * interleaved deterministically (both read before either writes).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, type DatabaseClient, type IsolationLevel, type Repositories, ValidationError } from '../db';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

const ACCOUNTS = 8;
const OPENING = 500; // 8 × 500 = 4000
const TRANSFERS = 60;

type Remedy = { isolation: IsolationLevel } | 'forUpdate' | 'increment';
const REMEDIES: [string, Remedy][] = [
  ['serializable + retry', { isolation: 'serializable' }],
  ['repeatable read + retry', { isolation: 'repeatable read' }],
  ['forUpdate', 'forUpdate'],
  ['increment', 'increment'],
];

/** A fixed list of transfers (from, to, amount) from a small LCG, so every run and target moves the same money. */
function transferPlan(ids: number[]): { from: number; to: number; amount: number }[] {
  let state = 12345;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  return Array.from({ length: TRANSFERS }, () => {
    const from = next(ids.length);
    const to = (from + 1 + next(ids.length - 1)) % ids.length;
    return { from: ids[from]!, to: ids[to]!, amount: 1 + next(5) };
  });
}

/** Moves `amount` from one balance to another inside `tx`, the way the remedy says; rows in id order (no deadlock needed). */
async function transfer(tx: DatabaseClient, remedy: Remedy, from: number, to: number, amount: number): Promise<void> {
  const books = createRepositories(tx).books;
  const moves = [
    { id: from, delta: -amount },
    { id: to, delta: amount },
  ].sort((a, b) => a.id - b.id);
  if (remedy === 'increment') {
    for (const m of moves) await books.update(m.id, {}, { increment: { pages: m.delta } });
    return;
  }
  const forUpdate = remedy === 'forUpdate';
  const read = [];
  for (const m of moves) read.push((await books.findById(m.id, forUpdate ? { forUpdate } : undefined))!.pages!);
  for (const [i, m] of moves.entries()) await books.update(m.id, { pages: read[i]! + m.delta });
}

const optionsOf = (remedy: Remedy) => ({ retry: 40, ...(typeof remedy === 'object' ? remedy : {}) });

/** Resolves once `n` callers have arrived (every later arrival passes at once). */
function barrier(n: number) {
  let arrived = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return async () => {
    if (++arrived >= n) open();
    await opened;
  };
}

for (const target of selectedTargets()) {
  describe(`${target.name}: no lost updates`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    let authorId: number;
    // Transactions run side by side (not one after another as on a single connection).
    const parallel = !target.capabilities.singleConnection;

    beforeAll(async () => {
      t = await freshDatabase(target);
      repos = createRepositories(t.client);
      authorId = (await repos.authors.create({ name: 'Ledger' })).id;
    });
    afterAll(() => t.cleanup());

    const openAccounts = async (n: number, pages = OPENING) => {
      const ids: number[] = [];
      for (let i = 0; i < n; i++) ids.push((await repos.books.create({ title: `account ${i}`, authorId, pages })).id);
      return ids;
    };
    const balances = async (ids: number[]) => Promise.all(ids.map(async (id) => (await repos.books.findById(id))!.pages!));

    for (const [label, remedy] of REMEDIES) {
      it(`${TRANSFERS} concurrent transfers under ${label}: the sum and every balance are exact`, async () => {
        const ids = await openAccounts(ACCOUNTS);
        const plan = transferPlan(ids);
        const expected = new Map(ids.map((id) => [id, OPENING]));
        for (const { from, to, amount } of plan) {
          expected.set(from, expected.get(from)! - amount);
          expected.set(to, expected.get(to)! + amount);
        }
        await Promise.all(plan.map(({ from, to, amount }) => t.client.transaction((tx) => transfer(tx, remedy, from, to, amount), optionsOf(remedy))));
        const after = await balances(ids);
        expect(after.reduce((a, b) => a + b, 0)).toBe(ACCOUNTS * OPENING);
        expect(after).toEqual(ids.map((id) => expected.get(id)));
      });
    }

    /**
     * Two transactions add 10 and 20 to one balance; both have read it before either writes (where they run
     * side by side). Returns the final balance and how many times the callbacks ran.
     */
    async function interleaved(remedy: Remedy | 'none'): Promise<{ balance: number; attempts: number }> {
      const [id] = await openAccounts(1, 1000);
      const bothRead = barrier(2);
      const watcher = t.open();
      let attempts = 0;
      let secondDone = false;
      const add = (amount: number, first: boolean) =>
        t.client.transaction(
          async (tx) => {
            attempts++;
            const books = createRepositories(tx).books;
            if (remedy === 'increment') {
              await books.findById(id!);
              if (parallel) await bothRead();
              await books.update(id!, {}, { increment: { pages: amount } });
              return;
            }
            if (remedy === 'forUpdate') {
              // The second reader must block on the first one's lock: the first writes once it sees that
              // wait (or once the second read returned, which only happens when no lock was taken).
              if (first) {
                const row = await books.findById(id!, { forUpdate: true });
                if (parallel) await bothRead();
                if (parallel) await waitForLockWait(watcher, () => secondDone);
                await books.update(id!, { pages: row!.pages! + amount });
              } else {
                if (parallel) await bothRead();
                const row = await books.findById(id!, { forUpdate: true });
                secondDone = true;
                await books.update(id!, { pages: row!.pages! + amount });
              }
              return;
            }
            const row = await books.findById(id!);
            if (parallel) await bothRead();
            await books.update(id!, { pages: row!.pages! + amount });
          },
          remedy === 'none' ? {} : optionsOf(remedy),
        );
      await Promise.all([add(10, true), add(20, false)]);
      return { balance: (await repos.books.findById(id!))!.pages!, attempts };
    }

    // Registers only where transactions run side by side (not on SQLite, where they take turns).
    if (parallel)
      it('control: plain findById + update under read committed loses one of two interleaved updates', async () => {
        const { balance, attempts } = await interleaved('none');
        expect(attempts).toBe(2);
        expect([1010, 1020]).toContain(balance); // not 1030: the second write overwrote the first
      });

    for (const [label, remedy] of REMEDIES) {
      it(`two interleaved read-then-writes under ${label}: both land (1030)`, async () => {
        const { balance, attempts } = await interleaved(remedy);
        expect(balance).toBe(1030);
        // Under an isolation level the second writer fails with 40001 and `retry` runs it again.
        if (parallel && typeof remedy === 'object') expect(attempts).toBe(3);
        else expect(attempts).toBe(2);
      });
    }

    if (target.capabilities.family === 'pg')
      it('the isolation option is the level of the transaction; the default is the server default', async () => {
        const level = (tx: DatabaseClient) => tx.execute(sql`select current_setting('transaction_isolation') as level`).then((rows) => rows[0]!.level);
        expect(await t.client.transaction(level)).toBe('read committed');
        for (const isolation of ['serializable', 'repeatable read', 'read committed'] as const) {
          expect(await t.client.transaction(level, { isolation })).toBe(isolation);
        }
      });

    it('misuse is a ValidationError before any SQL: a bad or nested isolation, forUpdate outside a transaction, a bad increment', async () => {
      const [id] = await openAccounts(1, 100);
      const invalid = async (work: () => Promise<unknown>, path: string) => {
        const error = await work().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).issues.map((i) => i.path)).toContain(path);
      };
      await invalid(() => t.client.transaction(async () => 1, { isolation: 'serialisable' as IsolationLevel }), 'isolation');
      await invalid(() => t.client.transaction(async (tx) => tx.transaction(async () => 1, { isolation: 'serializable' })), 'isolation');
      await invalid(() => repos.books.findById(id!, { forUpdate: true }), 'forUpdate');
      await invalid(() => repos.books.findFirst({ id: id! }, { forUpdate: true }), 'forUpdate');
      // @ts-expect-error title is not numeric
      await invalid(() => repos.books.update(id!, {}, { increment: { title: 1 } }), 'increment.title');
      await invalid(() => repos.books.update(id!, {}, { increment: { pages: 1.5 } }), 'increment.pages');
      await invalid(() => repos.books.update(id!, {}, { increment: { price: 0.001 } }), 'increment.price');
      await invalid(() => repos.books.update(id!, { pages: 3 }, { increment: { pages: 1 } }), 'pages');
      // @ts-expect-error an amount is a number
      await invalid(() => repos.books.update(id!, {}, { increment: { pages: '1' } }), 'increment.pages');
      expect((await repos.books.findById(id!))!.pages).toBe(100);
      // forUpdate: false is a no-op anywhere; inside a transaction forUpdate works on findFirst too.
      expect((await repos.books.findById(id!, { forUpdate: false }))!.pages).toBe(100);
      expect(await t.client.transaction(async (tx) => (await createRepositories(tx).books.findFirst({ id: id! }, { forUpdate: true }))!.pages)).toBe(100);
    });

    it('increments keep a numeric column exact on every provider (10.20 + 0.10 = 10.30, not 10.299999999999999)', async () => {
      const book = await repos.books.create({ title: 'priced', authorId, price: 10.2, pages: 7 });
      const updated = await repos.books.update(book.id, { title: 'repriced' }, { increment: { price: 0.1, pages: -2 } });
      expect(updated).toMatchObject({ title: 'repriced', price: 10.3, pages: 5 });
      expect((await repos.books.findById(book.id))!.price).toBe(10.3);
      // A NULL stays NULL (SQL arithmetic): nothing to add to.
      const blank = await repos.books.create({ title: 'no pages', authorId });
      expect((await repos.books.update(blank.id, {}, { increment: { pages: 1 } })).pages).toBeNull();
    });
  });
}

/** Waits until another session of this database waits for a lock, or `done()` (no lock was taken). */
async function waitForLockWait(watcher: DatabaseClient, done: () => boolean): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (done()) return;
    const [row] = await watcher.execute(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
    if (Number(row!.n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the second transaction neither waited for the row lock nor finished its read');
}
