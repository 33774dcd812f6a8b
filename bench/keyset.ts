/**
 * Keyset pages at depth: the first page and a page about 190,000 rows deep, in id order and in rating order,
 * on any handle. A flat page costs the same at both depths (deep/first near 1.0); OFFSET grows with depth.
 */
import { sql } from 'drizzle-orm';
import { createRepositories, type DatabaseClient } from '../db';
import { encodeCursor } from '../db/repositories/cursor';
import { compare, report } from './measure';

const ROWS = 200_000;
const DEPTH = 190_000;
const LIMIT = 20;

/** Adds books until the table holds ROWS, with ratings spread over 0.0–5.0 (about 500 distinct values), one in ten NULL. */
async function fill(db: DatabaseClient): Promise<void> {
  const repos = createRepositories(db);
  const have = await repos.books.count();
  const authorId = (await repos.authors.create({ name: 'Keyset bench' })).id;
  for (let at = have; at < ROWS; at += 20_000) {
    const rows = Array.from({ length: Math.min(20_000, ROWS - at) }, (_, i) => ({ title: `Deep ${at + i}`, authorId, rating: (at + i) % 10 === 0 ? null : (((at + i) * 7919) % 501) / 100 }));
    await repos.books.bulkCreate(rows);
  }
  // Fresh statistics, as autovacuum (Postgres) or a periodic ANALYZE (SQLite) would give a table this size.
  await db.execute(sql`analyze books`);
}

/** Prints, per order, the first page and the deep page side by side (ratio = deep page speed / first page speed). */
export async function benchKeyset(db: DatabaseClient, label: string, iterations: number): Promise<void> {
  await fill(db);
  const repos = createRepositories(db);
  const orders = [
    { name: 'id', orderBy: undefined, fields: ['id:asc'], keys: ['id'] },
    { name: 'rating desc', orderBy: { field: 'rating', direction: 'desc' }, fields: ['rating:desc', 'id:desc'], keys: ['rating', 'id'] },
  ] as const;
  for (const order of orders) {
    // The row just before the deep page, read with OFFSET once; its sort values are the cursor.
    const [before] = (await repos.books.findWithPagination({ orderBy: order.orderBy, pagination: { page: DEPTH, limit: 1 } })).items;
    if (!before) throw new Error('bench table too small');
    const row = before as Record<string, unknown>;
    const deep = encodeCursor(
      [...order.fields],
      order.keys.map((k) => row[k]),
    );
    report(
      `${label} keyset page of ${LIMIT}, ${order.name} order (ratio: page at depth ${DEPTH} / first page)`,
      await compare(
        [
          { name: 'first page (findWithCursor)', run: () => repos.books.findWithCursor({ orderBy: order.orderBy, limit: LIMIT }) },
          { name: `page at depth ${DEPTH} (findWithCursor)`, run: () => repos.books.findWithCursor({ orderBy: order.orderBy, limit: LIMIT, cursor: deep }) },
          {
            name: `page at depth ${DEPTH} (OFFSET, for scale)`,
            run: () => repos.books.findWithPagination({ orderBy: order.orderBy, pagination: { page: DEPTH / LIMIT, limit: LIMIT } }),
          },
        ],
        iterations,
        3,
      ),
      'first page',
    );
  }
}
