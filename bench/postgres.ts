/** PostgreSQL (local provider, postgres.js): raw driver vs the repositories, against a server this run starts. */
import postgres from 'postgres';
import { createDatabaseClient, createRepositories, runMigrations } from '../db';
import { createDatabase } from '../test/support/postgres-server';
import { startAllServers } from '../test/support/servers';
import { benchKeyset } from './keyset';
import { compare, report } from './measure';

export async function benchPostgres(iterations: number): Promise<void> {
  const servers = await startAllServers();
  try {
    await createDatabase(servers.pg, 'bench');
    const url = servers.pg.url('bench');
    const db = createDatabaseClient('local', { url });
    await runMigrations(db);
    const repos = createRepositories(db);
    const raw = postgres(url, { max: 10, onnotice: () => undefined });
    try {
      const authorId = (await repos.authors.create({ name: 'Bench' })).id;
      await repos.books.bulkCreate(Array.from({ length: 10_000 }, (_, i) => ({ title: `Book ${i}`, authorId, rating: (i % 50) / 10 })));
      const id = (i: number) => (i % 10_000) + 1;
      report(
        'postgres findById (one round trip each)',
        await compare(
          [
            { name: 'raw postgres.js (prepared)', run: (i) => raw`select * from books where id = ${id(i)} and deleted_at is null` },
            { name: 'repos.books.findById', run: (i) => repos.books.findById(id(i)) },
          ],
          iterations,
        ),
      );
      report(
        'postgres create (one row)',
        await compare(
          [
            { name: 'raw postgres.js insert … returning', run: (i) => raw`insert into books (title, author_id) values (${`raw ${i}`}, ${authorId}) returning *` },
            { name: 'repos.books.create', run: (i) => repos.books.create({ title: `repo ${i}`, authorId }) },
          ],
          Math.floor(iterations / 2),
        ),
      );
      const batch = Array.from({ length: 10_000 }, (_, i) => ({ title: `bulk ${i}`, author_id: authorId, rating: 3 }));
      report(
        'postgres bulk insert, 10,000 rows per op',
        await compare(
          [
            { name: 'raw postgres.js multi-row VALUES', run: () => raw.begin((tx) => tx`insert into books ${tx(batch, 'title', 'author_id', 'rating')}`) },
            { name: 'repos.books.bulkCreate (unnest)', run: () => repos.books.bulkCreate(batch.map((b) => ({ title: b.title, authorId: b.author_id, rating: b.rating }))) },
          ],
          3,
          3,
        ),
      );
      await benchKeyset(db, 'postgres', Math.max(20, Math.floor(iterations / 10)));
    } finally {
      await raw.end();
      await db.close();
    }
  } finally {
    await servers.stopAll();
  }
}
