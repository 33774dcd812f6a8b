/** copyDatabase and npm run db:copy between providers: every row, one transaction, verified, restartable. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDatabase, createRepositories, DbError, getMigrationStatus, MigrationError, seedDatabase, tableChecksums, TargetNotEmptyError, type CopyProgress, type DatabaseClient } from '../db';
import { migrationsFolder, readMigrationFiles } from '../db/migrate/journal';
import { freshDatabase, scriptEnv, selectedTargets, type TargetName, type TestDatabase } from './support/targets';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const selected = new Map(selectedTargets().map((t) => [t.name, t]));
const DIRECTIONS: [TargetName, TargetName][] = [
  ['sqlite', 'local'],
  ['local', 'sqlite'],
  ['sqlite', 'neon-ws'],
  ['supabase', 'sqlite'],
];

/** Rows that are easy to get wrong: soft-deleted, quotes and unicode, nested json, null prices, old dates, an id gap. */
async function seedTricky(db: DatabaseClient): Promise<void> {
  const repos = createRepositories(db);
  const le = await repos.authors.create({ name: 'Ursula K. Le Guin', birthYear: 1929, metadata: { z: 1, a: { y: [1, 'two', null], b: true }, ключ: 'значение', $date: 'not a date' } });
  const odd = await repos.authors.create({ name: `O'Brien "Flann" \\ Ünïcødé 📚`, bio: 'line\nbreak\ttab' });
  await repos.authors.softDelete((await repos.authors.create({ name: 'Soft-deleted author' })).id);
  await repos.books.bulkCreate([
    { title: 'A Wizard of Earthsea', authorId: le.id, isbn: 'c-1', price: 9.99, rating: 4.5, metadata: { tags: ['fantasy'], n: 1.5 }, createdAt: new Date('1968-11-01T00:00:00.123Z') },
    { title: `"Quoted" it's 100% \\ 世界`, authorId: odd.id, isbn: 'c-2', price: null, inStock: false },
    { title: 'Free', authorId: odd.id, isbn: 'c-3', price: 0, rating: 0 },
    { title: 'Soft-deleted book', authorId: le.id, isbn: 'c-4', price: 12.5 },
    { title: 'Hard-deleted book', authorId: le.id, isbn: 'c-5' },
  ]);
  const books = await repos.books.findMany({ orderBy: { field: 'isbn' } });
  await repos.books.softDelete(books[3]!.id);
  await repos.books.hardDelete(books[4]!.id); // the highest id: the source's sequence is now ahead of max(id)
  const reader = await repos.users.create({ email: 'reader@example.com', name: 'Zoë', metadata: { theme: 'dark' } });
  await repos.users.softDelete((await repos.users.create({ email: 'gone@example.com' })).id);
  await repos.userBooks.setStatus(reader.id, books[0]!.id, 'read', { rating: 5, review: 'Wunderbar — 素晴らしい' });
  await repos.userBooks.setStatus(reader.id, books[1]!.id, 'reading');
}

/** Every row of every table, soft-deleted included, in id order. */
async function everything(db: DatabaseClient) {
  const r = createRepositories(db);
  const all = { withDeleted: true, pagination: { limit: 1000 } };
  return {
    users: await r.users.findMany({ ...all, orderBy: { field: 'email' } }),
    authors: await r.authors.findMany({ ...all, orderBy: { field: 'id' } }),
    books: await r.books.findMany({ ...all, orderBy: { field: 'id' } }),
    userBooks: await r.userBooks.findMany({ ...all, orderBy: { field: 'bookId' } }),
  };
}

const rowCounts = async (db: DatabaseClient) => Object.fromEntries((await tableChecksums(db)).map((t) => [t.table, t.rows]));
const maxId = (rows: { id: number }[]) => Math.max(...rows.map((r) => r.id));

for (const [fromName, toName] of DIRECTIONS.filter(([a, b]) => selected.has(a) && selected.has(b))) {
  describe(`copy ${fromName} -> ${toName}`, () => {
    let src: TestDatabase;
    let dst: TestDatabase;
    beforeAll(async () => {
      [src, dst] = await Promise.all([freshDatabase(selected.get(fromName)!), freshDatabase(selected.get(toName)!)]);
      await seedTricky(src.client);
    });
    afterAll(() => Promise.all([src?.cleanup(), dst?.cleanup()]));

    it('copies every row, soft-deleted ones too; counts and checksums equal; progress per batch', async () => {
      const progress: CopyProgress[] = [];
      const report = await copyDatabase({ from: src.client, to: dst.client, batchSize: 2, onProgress: (p) => progress.push(p) });
      expect(report.ok).toBe(true);
      expect(Object.fromEntries(report.tables.map((t) => [t.table, [t.sourceRows, t.targetRows]]))).toEqual({ users: [2, 2], authors: [3, 3], books: [4, 4], user_books: [2, 2] });
      expect(await tableChecksums(dst.client)).toEqual(await tableChecksums(src.client));
      expect(await everything(dst.client)).toEqual(await everything(src.client));
      expect(progress.filter((p) => p.table === 'books')).toEqual([0, 2, 4].map((done) => ({ table: 'books', done, total: 4 })));
    });

    it('new rows on the target get the id after the highest copied one', async () => {
      const repos = createRepositories(dst.client);
      const { authors, books } = await everything(dst.client);
      expect((await repos.authors.create({ name: 'After the copy' })).id).toBe(maxId(authors) + 1);
      expect((await repos.books.create({ title: 'After the copy', authorId: authors[0]!.id })).id).toBe(maxId(books) + 1);
    });

    it('refuses a second copy without truncate, naming the tables, and changes nothing', async () => {
      const before = await tableChecksums(dst.client);
      const attempt = copyDatabase({ from: src.client, to: dst.client });
      await expect(attempt).rejects.toBeInstanceOf(TargetNotEmptyError);
      await expect(attempt).rejects.toMatchObject({ code: 'TARGET_NOT_EMPTY' });
      await expect(attempt).rejects.toThrow(/not empty: .*authors.* have rows.*--truncate/);
      expect(await tableChecksums(dst.client)).toEqual(before);
    });

    it('with truncate replaces the contents, and ids again continue after the highest', async () => {
      const report = await copyDatabase({ from: src.client, to: dst.client, truncate: true });
      expect(report.ok).toBe(true);
      expect(await tableChecksums(dst.client)).toEqual(await tableChecksums(src.client));
      const { authors } = await everything(dst.client);
      expect((await createRepositories(dst.client).authors.create({ name: 'Again' })).id).toBe(maxId(authors) + 1);
    });

    it('a failure half-way rolls the whole copy back (truncate included)', async () => {
      const before = await tableChecksums(dst.client);
      await createRepositories(src.client).books.create({ title: 'Tripwire', authorId: (await everything(src.client)).authors[0]!.id });
      await dst.client.execute(
        dst.client.capabilities.family === 'pg'
          ? sql`alter table books add constraint copy_tripwire check (title <> 'Tripwire')`
          : sql`create trigger copy_tripwire before insert on books when new.title = 'Tripwire' begin select raise(abort, 'copy tripwire'); end`,
      );
      await expect(copyDatabase({ from: src.client, to: dst.client, truncate: true, batchSize: 1 })).rejects.toBeInstanceOf(DbError);
      expect(await tableChecksums(dst.client)).toEqual(before);
    });
  });
}

describe('copy between databases at different migration levels', () => {
  const [a, b] = [selectedTargets()[0]!, selected.get('local') ?? selectedTargets()[0]!];
  it('names the side that is behind and the command to run; nothing is written', async () => {
    const [src, behind] = await Promise.all([freshDatabase(a), freshDatabase(b, { migrate: false })]);
    try {
      await seedTricky(src.client);
      const pending = readMigrationFiles(migrationsFolder(b.provider)).map((f) => f.tag);
      const error = await copyDatabase({ from: src.client, to: behind.client }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toBe(`The target (${b.provider}) is behind: ${pending.length} pending migration(s); run npm run db:migrate:${b.provider} first`);
      await expect(copyDatabase({ from: behind.client, to: src.client, truncate: true })).rejects.toThrow(`The source (${b.provider}) is behind`);
      expect(await getMigrationStatus(behind.client)).toMatchObject({ applied: [], pending });
      expect(await rowCounts(src.client)).toEqual({ users: 2, authors: 3, books: 4, user_books: 2 });
    } finally {
      await Promise.all([src.cleanup(), behind.cleanup()]);
    }
  });
});

describe('verification after the copy', () => {
  const [a, b] = [selectedTargets()[0]!, selected.get('local') ?? selectedTargets()[0]!];
  it('reports a table the target changed on the way in (and db:copy exits 1)', async () => {
    const [src, dst] = await Promise.all([freshDatabase(a), freshDatabase(b)]);
    try {
      await seedTricky(src.client);
      // A target-side trigger rewrites titles: the copy commits, but the checksums must tell.
      const shout =
        dst.client.capabilities.family === 'pg'
          ? [
              sql`create function shout() returns trigger language plpgsql as $$ begin new.title := upper(new.title); return new; end $$`,
              sql`create trigger shout before insert on books for each row execute function shout()`,
            ]
          : [sql`create trigger shout after insert on books begin update books set title = upper(title) where id = new.id; end`];
      for (const statement of shout) await dst.client.execute(statement);
      const report = await copyDatabase({ from: src.client, to: dst.client });
      expect(report.ok).toBe(false);
      expect(report.tables.filter((t) => !t.match).map((t) => [t.table, t.sourceRows, t.targetRows])).toEqual([['books', 4, 4]]);
      if (a.name !== 'sqlite' || b.name !== 'local') return;
      const cli = spawn('npx', ['tsx', 'scripts/copy.ts', '--from', 'sqlite', '--to', 'local', '--truncate'], { cwd: ROOT, env: { ...scriptEnv(src), ...scriptEnv(dst) }, stdio: 'ignore' });
      expect(await new Promise((resolve) => cli.on('exit', resolve))).toBe(1);
    } finally {
      await Promise.all([src.cleanup(), dst.cleanup()]);
    }
  });
});

if (selected.has('sqlite') && selected.has('local')) {
  describe('npm run db:copy killed half-way (sqlite -> local)', () => {
    it('leaves the target empty; run again with --truncate it ends with exactly the source rows', async () => {
      const [src, dst] = await Promise.all([freshDatabase(selected.get('sqlite')!), freshDatabase(selected.get('local')!)]);
      try {
        await seedDatabase(src.client, { count: 20_000 });
        const env = { ...scriptEnv(src), ...scriptEnv(dst) };
        const run = (...extra: string[]) =>
          spawn('npx', ['tsx', 'scripts/copy.ts', '--from', 'sqlite', '--to', 'local', '--batch-size', '500', ...extra], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
        const finished = (child: ReturnType<typeof run>) => new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));

        const first = run('--progress');
        const killed = finished(first);
        let stderr = '';
        first.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          // Books are being written inside the target transaction: kill the whole process group, hard.
          if (/^books [1-9]\d*\/20000$/m.test(stderr) && first.exitCode === null) process.kill(-first.pid!, 'SIGKILL');
        });
        expect(await killed).toEqual([null, 'SIGKILL']);
        expect(stderr).not.toMatch(/^user_books /m);
        expect(Object.values(await rowCounts(dst.client))).toEqual([0, 0, 0, 0]);

        const second = run('--truncate');
        let stdout = '';
        second.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        expect(await finished(second)).toEqual([0, null]);
        expect(stdout).toMatch(/row counts and checksums match/);
        expect((await rowCounts(dst.client)).books).toBe(20_000);
        expect(await tableChecksums(dst.client)).toEqual(await tableChecksums(src.client));
      } finally {
        await Promise.all([src.cleanup(), dst.cleanup()]);
      }
    }, 180_000);
  });
}
