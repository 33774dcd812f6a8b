/**
 * Write overhead of the change feed on a fed table (`books`): the same repository writes on two databases
 * migrated alike, one of them with every capture trigger dropped, run alternately in one process.
 * Ratio: speed with the feed / speed without it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { createDatabaseClient, createRepositories, type DatabaseClient, runMigrations } from '../db';
import { DIALECTS } from '../db/dialects';
import { SCHEMA_TABLES } from '../db/tables';
import { createDatabase } from '../test/support/postgres-server';
import { startAllServers } from '../test/support/servers';
import { compare, type Result, report } from './measure';

export type FeedBenchProvider = 'sqlite' | 'local';

const BULK = 10_000;

interface Pair {
  fed: DatabaseClient;
  bare: DatabaseClient;
  close: () => Promise<void>;
}

/** Two empty databases of one provider, opened the way bench/sqlite.ts and bench/postgres.ts open theirs. */
async function openPair(provider: FeedBenchProvider): Promise<Pair> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'bench-feed-'));
    const [fed, bare] = ['fed', 'bare'].map((name) => createDatabaseClient('sqlite', { url: join(dir, `${name}.db`) })) as [DatabaseClient, DatabaseClient];
    const close = async () => {
      await Promise.allSettled([fed.close(), bare.close()]);
      rmSync(dir, { recursive: true, force: true });
    };
    return { fed, bare, close };
  }
  const servers = await startAllServers();
  try {
    const names = ['bench_feed', 'bench_no_feed'];
    for (const name of names) await createDatabase(servers.pg, name);
    const [fed, bare] = names.map((name) => createDatabaseClient('local', { url: servers.pg.url(name) })) as [DatabaseClient, DatabaseClient];
    const close = async () => {
      await Promise.allSettled([fed.close(), bare.close()]);
      await servers.stopAll();
    };
    return { fed, bare, close };
  } catch (err) {
    await servers.stopAll();
    throw err;
  }
}

/** Drops every capture trigger: the feed migration for a feed of no tables (the log stays, empty). */
async function dropFeed(db: DatabaseClient): Promise<void> {
  for (const statement of DIALECTS[db.dialect].feed.migration([], SCHEMA_TABLES)) await db.execute(sql.raw(statement));
}

/** Log entries so far (the feed's head). */
const feedHead = async (db: DatabaseClient) => (await DIALECTS[db.dialect].feed.bounds(db, 'books')).head;

/** Seeds 10,000 books, as the other benches do; returns what the writes need. */
async function seed(db: DatabaseClient) {
  const repos = createRepositories(db);
  const authorId = (await repos.authors.create({ name: 'Bench' })).id;
  await repos.books.bulkCreate(Array.from({ length: BULK }, (_, i) => ({ title: `Book ${i}`, authorId, rating: (i % 50) / 10 })));
  const batch = Array.from({ length: BULK }, (_, i) => ({ title: `bulk ${i}`, authorId, rating: 3 }));
  return { repos, authorId, batch };
}

/** Prints each side's rows/s and the fed side as a share of the side without the feed. */
function reportRows(title: string, results: Result[], rowsPerOp = 1): void {
  report(
    title,
    results.map((r) => ({ ...r, opsPerSec: r.opsPerSec * rowsPerOp })),
    'no feed',
    'rows/s',
  );
}

export async function benchFeed(provider: FeedBenchProvider, iterations: number): Promise<void> {
  const label = provider === 'sqlite' ? 'sqlite' : 'postgres';
  const pair = await openPair(provider);
  try {
    const { fed, bare } = pair;
    for (const db of [fed, bare]) await runMigrations(db);
    await dropFeed(bare);
    const sides = [
      { name: 'no feed', ...(await seed(bare)) },
      { name: 'with feed', ...(await seed(fed)) },
    ];
    // Not a timing check: the comparison means nothing unless only the fed side writes the log.
    if ((await feedHead(bare)) !== 0 || (await feedHead(fed)) === 0) throw new Error(`${label}: expected the change log written on the fed database only`);

    const id = (i: number) => (i % BULK) + 1;
    const cases = (name: string, run: (side: (typeof sides)[number], i: number) => unknown) => sides.map((side) => ({ name: `repos.books.${name} (${side.name})`, run: (i: number) => run(side, i) }));

    reportRows(
      `${label} change feed overhead: create (one row)`,
      await compare(
        cases('create', (s, i) => s.repos.books.create({ title: `feed ${i}`, authorId: s.authorId })),
        iterations,
      ),
    );
    reportRows(
      `${label} change feed overhead: update by id (one row)`,
      await compare(
        cases('update', (s, i) => s.repos.books.update(id(i), { title: `updated ${i}` })),
        iterations,
      ),
    );
    reportRows(
      `${label} change feed overhead: bulkCreate, ${BULK.toLocaleString('en')} rows per op`,
      await compare(
        cases('bulkCreate', (s) => s.repos.books.bulkCreate(s.batch)),
        3,
        3,
      ),
      BULK,
    );
  } finally {
    await pair.close();
  }
}
