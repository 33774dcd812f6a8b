/**
 * The change feed on every target: a second process receives committed inserts, updates and deletes in
 * commit order; a rolled-back write emits nothing; a subscriber killed with SIGKILL resumes from its last
 * cursor with exactly what it missed; a terminated connection is survived; concurrent bursts of 10,000 writes
 * arrive complete and in order; cursors that cannot resume are typed errors; forUser sees only its rows.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeedError, createRepositories, FED_TABLES, pruneChangeFeed, SCHEMA_TABLES, forUser, PROVIDER_NAMES, type DatabaseClient, type Repositories, ValidationError } from '../db';
import { feedMigrationNeeded } from '../db/change-feed/migration';
import type { ChangeEvent } from '../db/change-feed/subscribe';
import { migrationsFolder } from '../db/migrate/journal';
import { PROVIDERS } from '../db/providers';
import { runSnippet } from './support/readme-snippet';
import { freshDatabase, scriptEnv, selectedTargets, type TestDatabase } from './support/targets';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds, polling; fails with `what` after `ms`. */
async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** `op key` of each event, the shape the assertions compare. */
const seen = (events: ChangeEvent[]) => events.map((e) => `${e.op} ${JSON.stringify(e.key)}`);

interface Subscriber {
  events: ChangeEvent[];
  errors: string[];
  child: ChildProcessWithoutNullStreams;
  stop(): Promise<void>;
}

/** Starts test/support/feed-subscriber.ts against `t` and resolves once it is subscribed. */
async function startSubscriber(t: TestDatabase, table: string, since?: string): Promise<Subscriber> {
  // 30 s to connect: in a full-suite run the test's WebSocket proxy can be slow to open a new connection.
  const config = { provider: t.target.provider, overrides: { ...t.overrides, connectTimeout: 30 }, table, ...(since ? { since } : {}) };
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['test/support/feed-subscriber.ts'], { cwd: ROOT, env: { ...process.env, FEED_SUBSCRIBER: JSON.stringify(config) } });
  const events: ChangeEvent[] = [];
  const errors: string[] = [];
  let ready = false;
  let stopped = false;
  let buffer = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      const message = JSON.parse(line) as { event?: ChangeEvent; ready?: true; stopped?: true; error?: string };
      if (message.event) events.push(message.event);
      if (message.error) errors.push(message.error);
      ready ||= message.ready === true;
      stopped ||= message.stopped === true;
    }
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  await until(() => ready || exited, 'the subscriber to start', 30_000);
  if (!ready) throw new Error(`the subscriber exited: ${stderr}`);
  return {
    events,
    errors,
    child,
    async stop() {
      child.stdin.write('stop\n');
      await until(() => stopped || exited, 'the subscriber to stop');
    },
  };
}

it('every provider folder holds the current change feed migration', () => {
  for (const provider of PROVIDER_NAMES) expect(feedMigrationNeeded(migrationsFolder(provider), PROVIDERS[provider].family), provider).toBeUndefined();
});

for (const target of selectedTargets()) {
  describe(`${target.name}: change feed`, () => {
    let t: TestDatabase;
    let repos: Repositories;
    let authorId: number;
    beforeAll(async () => {
      t = await freshDatabase(target);
      repos = createRepositories(t.client);
      authorId = (await repos.authors.create({ name: 'Feed' })).id;
    });
    afterAll(() => t.cleanup());

    it('the README example runs, and a second run resumes from the cursor it saved', async () => {
      const book = await repos.books.create({ title: 'Readme', authorId });
      expect(book.id).toBe(1);
      const dir = mkdtempSync(join(tmpdir(), 'feed-readme-'));
      const env = { ...scriptEnv(t), CURSOR_FILE: join(dir, 'books.cursor'), DB_CONNECT_TIMEOUT: '30' };
      try {
        const first = runSnippet('## Change feed', env);
        expect(first.stderr).not.toMatch(/error/i);
        expect(first.stdout.trim().split('\n')).toEqual(['update {"id":1} Readme']);
        const missed = await repos.books.create({ title: 'While away', authorId });
        const second = runSnippet('## Change feed', env);
        expect(second.stdout.trim().split('\n')).toEqual([`insert {"id":${missed.id}} While away`, 'update {"id":1} Readme']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a second process receives inserts, updates and deletes in commit order; a rollback emits nothing; raw SQL is captured', async () => {
      const sub = await startSubscriber(t, 'books');
      try {
        const first = await repos.books.create({ title: 'One', authorId });
        await expect(
          t.client.transaction(async (tx) => {
            await createRepositories(tx).books.create({ title: 'Never', authorId });
            throw new Error('roll back');
          }),
        ).rejects.toThrow('roll back');
        const second = await repos.books.create({ title: 'Two', authorId });
        await repos.books.update(first.id, { title: 'One, again' });
        await t.client.execute(sql`update books set pages = 10 where id = ${second.id}`);
        await repos.books.hardDelete(first.id);
        const expected = [`insert {"id":${first.id}}`, `insert {"id":${second.id}}`, `update {"id":${first.id}}`, `update {"id":${second.id}}`, `delete {"id":${first.id}}`];
        await until(() => sub.events.length >= expected.length, 'five events');
        await sleep(300);
        expect(seen(sub.events)).toEqual(expected);
        expect(sub.events.every((e) => e.table === 'books' && !Number.isNaN(new Date(e.at).getTime()))).toBe(true);
        expect(sub.errors).toEqual([]);
      } finally {
        await sub.stop();
      }
    });

    it('unsubscribe stops delivery while a live subscription still gets the write', async () => {
      const stopped: ChangeEvent[] = [];
      const live: ChangeEvent[] = [];
      const stop = await t.client.subscribe('books', (e) => void stopped.push(e), { pollInterval: 20 });
      const keep = await t.client.subscribe('books', (e) => void live.push(e), { pollInterval: 20 });
      await stop();
      const book = await repos.books.create({ title: 'After stop', authorId });
      await until(() => live.length === 1, 'the live subscription');
      await sleep(200);
      await keep();
      expect(seen(live)).toEqual([`insert {"id":${book.id}}`]);
      expect(stopped).toEqual([]);
    });

    it('a handler may stop its own subscription; a throwing handler gets the event again; a throwing onError changes nothing', async () => {
      const seenOnce: ChangeEvent[] = [];
      let attempts = 0;
      const handled: ChangeEvent[] = [];
      const stopSelf: { stop?: () => Promise<void> } = {};
      let selfStopped = false;
      stopSelf.stop = await t.client.subscribe('books', async (e) => {
        seenOnce.push(e);
        await stopSelf.stop!();
        selfStopped = true;
      });
      const flaky = await t.client.subscribe(
        'books',
        (e) => {
          if (++attempts < 3) throw new Error('not yet');
          handled.push(e);
        },
        {
          onError: () => {
            throw new Error('onError throws too');
          },
        },
      );
      const first = await repos.books.create({ title: 'Stop me', authorId });
      await repos.books.create({ title: 'Never for the stopped one', authorId });
      await until(() => handled.length === 2, 'both events through the flaky handler');
      await flaky();
      expect(seen(seenOnce)).toEqual([`insert {"id":${first.id}}`]);
      expect(selfStopped).toBe(true);
      expect(attempts).toBe(4);
      expect(seen(handled)[0]).toBe(`insert {"id":${first.id}}`);
    });

    it('a subscriber killed with SIGKILL resumes from its last cursor with exactly the events it missed', async () => {
      const before = await startSubscriber(t, 'books');
      const a = await repos.books.create({ title: 'Seen', authorId });
      await until(() => before.events.length === 1, 'the first event');
      const cursor = before.events[0]!.cursor;
      before.child.kill('SIGKILL');
      await until(() => before.child.exitCode !== null || before.child.signalCode !== null, 'the kill');
      const missed = [await repos.books.create({ title: 'Missed 1', authorId }), await repos.books.create({ title: 'Missed 2', authorId })];
      await repos.books.update(a.id, { title: 'Seen, changed' });
      const after = await startSubscriber(t, 'books', cursor);
      try {
        const live = await repos.books.create({ title: 'Live', authorId });
        const expected = [...missed.map((b) => `insert {"id":${b.id}}`), `update {"id":${a.id}}`, `insert {"id":${live.id}}`];
        await until(() => after.events.length >= expected.length, 'the missed events');
        await sleep(300);
        expect(seen(after.events)).toEqual(expected);
      } finally {
        await after.stop();
      }
    });

    it('a cursor the log no longer holds, one from the future and a malformed one are refused; only fed tables subscribe', async () => {
      const events: ChangeEvent[] = [];
      const authors: ChangeEvent[] = [];
      const errors: string[] = [];
      const stop = await t.client.subscribe('books', (e) => void events.push(e), { pollInterval: 20 });
      // A quiet table: pruning other tables' entries must not expire its subscription or its cursor.
      const quiet = await t.client.subscribe('authors', (e) => void authors.push(e), { pollInterval: 20, onError: (e) => errors.push(e.message) });
      await repos.authors.create({ name: 'Quiet' });
      await until(() => authors.length === 1, 'the author');
      await repos.books.create({ title: 'Old', authorId });
      await repos.books.create({ title: 'Newer', authorId });
      await until(() => events.length === 2, 'two events');
      await stop();
      const old = events[0]!.cursor;
      const pruned = await pruneChangeFeed(t.client, { retentionDays: 0 });
      expect(pruned.deleted).toBeGreaterThanOrEqual(3);
      await repos.books.create({ title: 'After the prune', authorId });
      const later = await repos.authors.create({ name: 'Later' });
      await until(() => authors.length === 2 || errors.length > 0, 'the second author');
      await quiet();
      expect(errors).toEqual([]);
      expect(seen(authors.slice(1))).toEqual([`insert {"id":${later.id}}`]);
      const noop = () => undefined;
      await (await t.client.subscribe('authors', noop, { since: authors[0]!.cursor }))();
      const expired = await t.client.subscribe('books', noop, { since: old }).catch((e: unknown) => e);
      expect(expired).toBeInstanceOf(ChangeFeedError);
      expect(expired).toMatchObject({ code: 'CHANGE_FEED', problem: 'cursor-expired' });
      // The newest pruned entry is still a place to resume from: nothing after it is gone.
      await (await t.client.subscribe('books', noop, { since: events[1]!.cursor }))();
      await expect(t.client.subscribe('books', noop, { since: String(Number(authors[1]!.cursor) + 1000) })).rejects.toMatchObject({ problem: 'cursor-ahead' });
      await expect(t.client.subscribe('books', noop, { since: 'x; drop table books' })).rejects.toBeInstanceOf(ValidationError);
      await expect(t.client.subscribe('users' as 'books', noop)).rejects.toThrow(/users is not a fed table|table: is not a fed table/);
      await expect(t.client.subscribe('books', noop, { events: ['truncate' as 'insert'] })).rejects.toBeInstanceOf(ValidationError);
    });

    it.runIf(target.capabilities.family === 'sqlite')('a row that INSERT OR REPLACE removes is a delete event', async () => {
      const events: ChangeEvent[] = [];
      const stop = await t.client.subscribe('books', (e) => void events.push(e), { pollInterval: 20 });
      const old = await repos.books.create({ title: 'Replaced', authorId, isbn: 'replace-me' });
      await t.client.execute(sql`insert or replace into books (title, author_id, isbn) values ('Replacement', ${authorId}, 'replace-me')`);
      const [row] = await t.client.execute(sql`select id from books where isbn = 'replace-me'`);
      await until(() => events.length >= 3, 'three events');
      await sleep(200);
      await stop();
      expect(seen(events)).toEqual([`insert {"id":${old.id}}`, `delete {"id":${old.id}}`, `insert {"id":${Number(row!.id)}}`]);
    });

    it("a cursor inside one statement's rows resumes at the next row", async () => {
      const events: ChangeEvent[] = [];
      const stop = await t.client.subscribe('books', (e) => void events.push(e), { pollInterval: 20 });
      await repos.books.bulkCreate(Array.from({ length: 5 }, (_, i) => ({ title: `Batch ${i}`, authorId })));
      await until(() => events.length === 5, 'five events');
      await stop();
      const rest: ChangeEvent[] = [];
      const resumed = await t.client.subscribe('books', (e) => void rest.push(e), { since: events[1]!.cursor, pollInterval: 20 });
      await until(() => rest.length === 3, 'the three after the cursor');
      await sleep(200);
      await resumed();
      expect(seen(rest)).toEqual(seen(events.slice(2)));
      expect(rest.map((e) => e.cursor)).toEqual(events.slice(2).map((e) => e.cursor));
    });

    it('db:check notices a fed table whose capture triggers are gone', async () => {
      const { checkDatabase } = await import('../db');
      expect(await checkDatabase(t.client)).toEqual([]);
      const { dialect } = (await import('../db/internals')).internalsOf(t.client);
      const books = SCHEMA_TABLES.filter((info) => info.key === 'books');
      for (const statement of dialect.feed.migration([], books)) await t.client.execute(sql.raw(statement));
      expect(await checkDatabase(t.client)).toEqual([
        `${target.provider}: books is in the change feed but its capture triggers are missing: run npm run db:generate:${target.provider}, then db:migrate`,
      ]);
      for (const statement of dialect.feed.migration(FED_TABLES, [])) await t.client.execute(sql.raw(statement));
      expect(await checkDatabase(t.client)).toEqual([]);
    });

    it.runIf(target.capabilities.family === 'pg')('db:check notices a log that can no longer number its entries', async () => {
      const { checkDatabase } = await import('../db');
      await t.client.execute(sql`drop trigger number_at_commit on change_feed.changes`);
      try {
        const problems = await checkDatabase(t.client);
        expect(problems).toEqual(
          FED_TABLES.map((f) => `${target.provider}: ${f.name} is in the change feed but its capture triggers are missing: run npm run db:generate:${target.provider}, then db:migrate`),
        );
      } finally {
        const { dialect } = (await import('../db/internals')).internalsOf(t.client);
        for (const statement of dialect.feed.migration(FED_TABLES, [])) await t.client.execute(sql.raw(statement));
      }
      expect(await checkDatabase(t.client)).toEqual([]);
    });

    it('10,000 writes in concurrent bursts arrive complete, once each, in commit order', async () => {
      const events: ChangeEvent[] = [];
      const stop = await t.client.subscribe('books', (e) => void events.push(e), { pollInterval: 50 });
      const writers = target.capabilities.singleConnection ? 1 : 4;
      const perWriter = 10_000 / writers;
      // Each writer's transaction connection is opened one after another before the bursts (a transaction, because
      // over neon-http a plain query opens none): in full-suite runs, four simultaneous handshakes through the
      // test's WebSocket proxy have stalled past the connect timeout, which is not what this test is about.
      const handles: DatabaseClient[] = [];
      for (let w = 0; w < writers; w++) {
        handles.push(t.open({ poolMax: 1, connectTimeout: 30 }));
        await handles[w]!.transaction((tx) => tx.execute(sql`select 1`));
      }
      const burst = async (w: number) => {
        const handle = handles[w]!;
        for (let done = 0, bursts = w; done < perWriter; bursts++) {
          const size = Math.min(perWriter - done, [1, 7, 50, 250][bursts % 4]!);
          await handle.transaction(async (tx) => {
            const rows = Array.from({ length: size }, (_, i) => ({ title: `w${w} ${done + i}`, authorId, isbn: `burst-${w}-${done + i}` }));
            await createRepositories(tx).books.bulkCreate(rows);
            // Commits in a different order than the statements ran: a reader must still miss nothing.
            await sleep(Math.random() * 15);
          });
          done += size;
        }
      };
      await Promise.all(Array.from({ length: writers }, (_, w) => burst(w)));
      const written = (await t.client.execute(sql`select id from books where isbn like ${'burst-%'}`)).map((r) => Number(r.id));
      expect(written.length).toBe(10_000);
      await until(() => events.length >= 10_000, '10,000 events', 60_000);
      await sleep(300);
      await stop();
      expect(events.length).toBe(10_000);
      expect(new Set(events.map((e) => e.key.id)).size).toBe(10_000);
      expect(new Set(events.map((e) => e.key.id))).toEqual(new Set(written));
      const positions = events.map((e) => e.cursor.split(':').map(Number) as [number, number | undefined]);
      const ordered = positions.every(([seq, index], i) => i === 0 || seq > positions[i - 1]![0] || (seq === positions[i - 1]![0] && (index ?? Infinity) > (positions[i - 1]![1] ?? -1)));
      expect(ordered).toBe(true);
    }, 120_000);

    it.runIf(target.capabilities.family === 'pg')('a subscriber whose connections are terminated reconnects and misses nothing', async () => {
      const events: ChangeEvent[] = [];
      const errors: string[] = [];
      const handle = t.open();
      const stop = await handle.subscribe('books', (e) => void events.push(e), { pollInterval: 50, onError: (e) => errors.push(e.name) });
      const admin = postgres(t.directOverrides.url!, { max: 1, onnotice: () => undefined });
      try {
        const before = await repos.books.create({ title: 'Before', authorId });
        await until(() => events.length === 1, 'the first event');
        const [row] = await admin<{ killed: number }[]>`
          select count(pg_terminate_backend(pid))::int as killed from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`;
        expect(row?.killed).toBeGreaterThan(0);
        // Written through a direct handle opened after the kill: the old handles' pooled connections died too, and so
        // did those of the test's HTTP endpoint, which does not reconnect a killed one as Neon's does. A full-suite run
        // keeps the test's WebSocket proxy busy enough that a new connection can take more than the default 10 s.
        const writer = createRepositories(t.open({ ...t.directOverrides, connectTimeout: 30 })).books;
        const during = [await writer.create({ title: 'After 1', authorId }), await writer.create({ title: 'After 2', authorId })];
        await until(() => events.length === 3, 'the events after the kill', 30_000);
        await sleep(300);
        expect(seen(events)).toEqual([before, ...during].map((b) => `insert {"id":${b.id}}`));
      } finally {
        await stop();
        await admin.end();
      }
    });

    it.runIf(target.capabilities.rowLevelSecurity)('forUser(…).subscribe delivers only the changes to rows that user can select', async () => {
      const [alice, bob] = [await repos.users.create({ email: 'alice@feed.test' }), await repos.users.create({ email: 'bob@feed.test' })];
      const book = await repos.books.create({ title: 'Shared', authorId });
      const scoped = forUser(t.client, { sub: alice.id, role: 'authenticated' });
      const events: ChangeEvent<'userBooks'>[] = [];
      const books: ChangeEvent<'books'>[] = [];
      const errors: string[] = [];
      const onError = (e: Error) => errors.push(`${e.name}: ${e.message}`);
      const stop = await scoped.subscribe('userBooks', (e) => void events.push(e), { pollInterval: 20, onError });
      const stopBooks = await scoped.subscribe('books', (e) => void books.push(e), { pollInterval: 20, onError });
      try {
        for (const user of [bob, alice]) await repos.userBooks.create({ userId: user.id, bookId: book.id });
        await repos.userBooks.update({ userId: bob.id, bookId: book.id }, { status: 'reading' });
        await repos.userBooks.update({ userId: alice.id, bookId: book.id }, { status: 'read' });
        for (const user of [bob, alice]) await repos.userBooks.hardDelete({ userId: user.id, bookId: book.id });
        await repos.books.update(book.id, { pages: 3 });
        await until(() => (events.length >= 3 && books.length >= 1) || errors.length > 0, 'alice’s events');
        expect(errors).toEqual([]);
        await sleep(300);
        const key = JSON.stringify({ userId: alice.id, bookId: book.id });
        expect(seen(events)).toEqual([`insert ${key}`, `update ${key}`, `delete ${key}`]);
        expect(seen(books)).toEqual([`update {"id":${book.id}}`]);
        // Rows that still exist: bob's stays hidden from alice's subscription.
        for (const user of [bob, alice]) await repos.userBooks.create({ userId: user.id, bookId: book.id });
        await until(() => events.length >= 4 || errors.length > 0, 'alice’s second insert');
        await sleep(300);
        expect(seen(events).slice(3)).toEqual([`insert ${key}`]);
        expect(errors).toEqual([]);
      } finally {
        await stop();
        await stopBooks();
      }
    });
  });
}

it('a transaction handle cannot subscribe', async () => {
  const [target] = selectedTargets();
  const t = await freshDatabase(target!);
  try {
    await t.client.transaction(async (tx: DatabaseClient) => {
      await expect(tx.subscribe('books', () => undefined)).rejects.toBeInstanceOf(ValidationError);
    });
  } finally {
    await t.cleanup();
  }
});
