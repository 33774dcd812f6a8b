/**
 * Ordering and keyset pages that cost the same at any depth, on both families. NULL sorts as the largest
 * value everywhere (Postgres's default: last ascending, first descending). A page after a cursor is read as
 * a few simple queries in order (keysetSegments), each an index seek that starts at the cursor; a NOT NULL
 * column gets no NULL branch and no NULLS clause (either one makes SQLite sort or scan, and Postgres filter
 * every earlier row).
 */
import { and, asc, desc, eq, gt, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { OrderTerm } from './query';

/** One query of a page: which rows, in which order. */
export interface KeysetSegment {
  where: SQL | undefined;
  order: SQL[];
}

/** ORDER BY for `terms`; NULLS placement is spelled out only for columns that can hold NULL. */
export function orderSql(terms: readonly OrderTerm[]): SQL[] {
  return terms.map((t) => {
    if (t.notNull) return t.dir === 'asc' ? asc(t.col) : desc(t.col);
    return t.dir === 'asc' ? sql`${asc(t.col)} nulls last` : sql`${desc(t.col)} nulls first`;
  });
}

/** `col = value`, or `col is null` for a NULL value. */
const sameAs = (t: OrderTerm, value: unknown): SQL => (value === null ? isNull(t.col) : eq(t.col, value));

/** The first column read as holding values only (its NULLs are another section), so it needs no NULLS clause. */
const valued = (t: OrderTerm): OrderTerm => ({ ...t, notNull: true });

/** Where the rows after the first column's value `v` lie, in order: one or two (condition, order of the rest) pairs. */
function beyond(t: OrderTerm, v: unknown, rest: readonly OrderTerm[]): [SQL, OrderTerm[]][] {
  // NULL is the largest value: last ascending, first descending.
  if (v === null) return t.dir === 'desc' ? [[isNotNull(t.col), [valued(t), ...rest]]] : [];
  if (t.dir === 'desc') return [[lt(t.col, v), [valued(t), ...rest]]];
  const values: [SQL, OrderTerm[]] = [gt(t.col, v), [valued(t), ...rest]];
  return t.notNull ? [values] : [values, [isNull(t.col), [...rest]]];
}

/**
 * The queries of one keyset page in the order they are read, after the row whose sort values are `values`
 * (from the start when undefined). Run them in turn until the page is full.
 *
 * After a cursor (a, b, id) = (x, y, z) the rows come in this order: the rest of the run a = x, b = y
 * (id after z), then the rest of a = x (b after y), then a after x; each is one query with equalities on
 * the leading columns and a range on the next, which both engines answer by seeking an index straight to
 * the cursor (SQLite does not seek on a row-value comparison past its first column, and a single OR'ed
 * predicate makes both engines scan the rest of a run of equal values, however long).
 */
export function keysetSegments(terms: readonly OrderTerm[], values: readonly unknown[] | undefined): KeysetSegment[] {
  if (values === undefined) return firstPage(terms);
  const segments: KeysetSegment[] = [];
  for (let i = terms.length - 1; i >= 0; i--) {
    const fixed = terms.slice(0, i).map((t, j) => sameAs(t, values[j]));
    for (const [condition, order] of beyond(terms[i]!, values[i], terms.slice(i + 1))) {
      segments.push({ where: and(...fixed, condition), order: orderSql(order) });
    }
  }
  return segments;
}

/** The first page: one query, or for a nullable first column its values and its NULLs as two sections. */
function firstPage(terms: readonly OrderTerm[]): KeysetSegment[] {
  const [lead, ...rest] = terms;
  if (!lead || lead.notNull) return [{ where: undefined, order: orderSql(terms) }];
  const sections = [
    { where: isNotNull(lead.col), order: orderSql([valued(lead), ...rest]) },
    { where: isNull(lead.col), order: orderSql(rest) },
  ];
  return lead.dir === 'asc' ? sections : sections.reverse();
}
