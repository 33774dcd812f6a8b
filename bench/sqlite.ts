/** SQLite: raw better-sqlite3 vs the repositories, in one process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { createDatabaseClient, createRepositories, runMigrations } from '../db';
import { benchKeyset } from './keyset';
import { compare, report } from './measure';

export async function benchSqlite(iterations: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sqlite-'));
  const file = join(dir, 'bench.db');
  const db = createDatabaseClient('sqlite', { url: file });
  if (db.dialect !== 'sqlite') throw new Error('expected a SQLite handle');
  const native = new Database(file);
  try {
    await runMigrations(db);
    const repos = createRepositories(db);
    const authorId = (await repos.authors.create({ name: 'Bench' })).id;
    await repos.books.bulkCreate(Array.from({ length: 10_000 }, (_, i) => ({ title: `Book ${i}`, authorId, rating: (i % 50) / 10 })));
    const byId = native.prepare('select * from books where id = ? and deleted_at is null');
    const countLive = native.prepare('select count(*) as n from books where deleted_at is null');
    const insert = native.prepare('insert into books (title, author_id) values (?, ?) returning *');
    const insertOnly = native.prepare('insert into books (title, author_id, rating) values (?, ?, ?)');
    const id = (i: number) => (i % 10_000) + 1;
    // Drizzle alone, to separate its row mapping (Date, boolean, json) from the repository's own cost.
    const { books } = db.tables;
    const drizzleById = db.db
      .select()
      .from(books)
      .where(and(eq(books.id, sql.placeholder('id')), isNull(books.deletedAt)))
      .limit(1)
      .prepare();

    report(
      'sqlite findById',
      await compare(
        [
          { name: 'raw better-sqlite3 (prepared)', run: (i) => byId.get(id(i)) },
          { name: 'drizzle prepared query (mapped rows)', run: (i) => drizzleById.execute({ id: id(i) }) },
          { name: 'repos.books.findById', run: (i) => repos.books.findById(id(i)) },
        ],
        iterations,
      ),
    );
    report(
      'sqlite count',
      await compare(
        [
          { name: 'raw better-sqlite3 (prepared)', run: () => countLive.get() },
          { name: 'repos.books.count', run: () => repos.books.count() },
        ],
        Math.floor(iterations / 10),
      ),
    );
    report(
      'sqlite create (one row)',
      await compare(
        [
          { name: 'raw better-sqlite3 (prepared)', run: (i) => insert.get(`raw ${i}`, authorId) },
          { name: 'repos.books.create', run: (i) => repos.books.create({ title: `repo ${i}`, authorId }) },
        ],
        iterations,
      ),
    );
    const batch = Array.from({ length: 10_000 }, (_, i) => ({ title: `bulk ${i}`, authorId, rating: 3 }));
    report(
      'sqlite bulk insert, 10,000 rows per op',
      await compare(
        [
          {
            name: 'raw better-sqlite3 (prepared, 1 tx)',
            run: () =>
              native.transaction(() => {
                for (const r of batch) insertOnly.run(r.title, r.authorId, r.rating);
              })(),
          },
          { name: 'repos.books.bulkCreate', run: () => repos.books.bulkCreate(batch) },
        ],
        3,
        3,
      ),
    );
    await benchKeyset(db, 'sqlite', Math.max(20, Math.floor(iterations / 50)));
  } finally {
    native.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
