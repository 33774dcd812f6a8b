/**
 * The fuzz cases: a call of one read method of one repository with generated arguments. A case is a
 * recipe (rebuilt from the run seed and its index), so each target gets fresh, identical arguments.
 * Read methods are every repository method named like a read; keyset cursors are made from dataset rows
 * the way the repository makes them, then forged.
 */
import { encodeCursor } from '../../../db/repositories/cursor';
import { anyValue, filters, orderBy, pageValue, readOptions, typedValue, type TableView } from './filters';
import { createRandom, subSeed, type Random } from './random';
import { strangeValue } from './values';

/** Methods every repository has that only read, and how their arguments are built. */
const BASE_READS = ['findById', 'exists', 'findFirst', 'count', 'findMany', 'findWithPagination', 'findWithCursor'];
/** Domain methods whose names say they only read (anything else, e.g. setStatus, is left out). */
export const READ_NAME = /^(find|get|count|exists|search|list)/;

export interface FuzzCase {
  index: number;
  repo: string;
  method: string;
  /** Follow nextCursor (findWithCursor) for a few pages, the way a client walks a list. */
  walk: boolean;
  /** Whether the arguments may be malformed (otherwise they are well formed, as far as the generators know). */
  hostile: boolean;
  args(): unknown[];
}

/** The sort fields a repository's cursor carries for this orderBy (its terms plus the key), when valid. */
function cursorFields(view: TableView, order: unknown): string[] | undefined {
  const list = order === undefined ? [] : Array.isArray(order) ? order : [order];
  const terms: [string, string][] = [];
  for (const t of list) {
    if (typeof t !== 'object' || t === null || typeof t.field !== 'string' || !Object.hasOwn(view.columns, t.field)) return undefined;
    terms.push([t.field, t.direction === 'desc' ? 'desc' : 'asc']);
  }
  for (const k of view.primaryKey) if (!terms.some(([f]) => f === k)) terms.push([k, terms[0]?.[1] ?? 'asc']);
  return terms.map(([f, d]) => `${f}:${d}`);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A cursor: a real one from a dataset row, a forged variant of it, or garbage. */
function cursor(rand: Random, view: TableView, order: unknown): unknown {
  const fields = cursorFields(view, order) ?? view.primaryKey.map((k) => `${k}:asc`);
  const row = view.rows.length ? rand.pick(view.rows) : {};
  const valid = encodeCursor(
    fields,
    fields.map((f) => row[f.split(':')[0]!]),
  );
  const body = JSON.parse(Buffer.from(valid, 'base64url').toString('utf8')) as { f: string[]; v: unknown[] };
  if (!rand.wild(0.5)) return rand.chance(0.2) ? rand.pick<unknown>([undefined, null, '']) : valid;
  const roll = rand.next();
  if (roll < 0.4) {
    const i = rand.int(0, Math.max(0, body.v.length - 1));
    body.v[i] = rand.pick<unknown>([
      '1',
      1,
      -0,
      1e308,
      2 ** 53,
      true,
      null,
      [],
      {},
      { d: 'garbage' },
      { d: '+275760-09-13T00:00:00.000Z' },
      { d: '0000-01-01T00:00:00.000Z' },
      'a\u0000',
      'ΣΊΣΥΦΟΣ',
      { d: 1 },
    ]);
    return b64(body);
  }
  if (roll < 0.6)
    return b64(
      rand.pick<unknown>([
        null,
        5,
        'str',
        [],
        { f: body.f },
        { v: body.v },
        { f: [body.f], v: body.v },
        { ...body, f: body.f.map((f) => f.replace(/asc$/, 'desc')) },
        { f: [...body.f, 'x:asc'], v: [...body.v, 1] },
      ]),
    );
  if (roll < 0.8) return rand.pick<unknown>([valid.slice(0, -3), `${valid}!`, 'not base64 %%', '\u0000', valid.toUpperCase()]);
  return strangeValue(rand);
}

function listOptions(rand: Random, view: TableView, withCursor: boolean): unknown {
  if (rand.wild(0.04)) return rand.pick<unknown>([null, [], 'filters', strangeValue(rand)]);
  const order = orderBy(rand, view);
  const out: Record<string, unknown> = {};
  if (rand.chance(0.6)) out.filters = filters(rand, view);
  if (order !== undefined || rand.chance(0.1)) out.orderBy = order;
  if (rand.chance(0.3)) out.withDeleted = rand.wild(0.1) ? rand.pick<unknown>(['yes', 1, null]) : rand.chance(0.5);
  if (withCursor) {
    if (rand.chance(0.7)) out.cursor = cursor(rand, view, order);
    if (rand.chance(0.7)) out.limit = pageValue(rand, [1, 2, 3, 5, 10]);
  } else if (rand.chance(0.6)) {
    out.pagination = rand.wild(0.05) ? rand.pick<unknown>([null, 5, strangeValue(rand)]) : { page: pageValue(rand, [1, 1, 2, 3]), limit: pageValue(rand, [1, 3, 5, 10, 1000]) };
  }
  if (rand.wild(0.03)) out[rand.pick(['filter', 'where', 'page', 'limit', 'sort'])] = {};
  return out;
}

/** An id argument: a stored key (live or soft-deleted), a near miss, a wrong type, or something strange. */
function idValue(rand: Random, view: TableView): unknown {
  const one = (field: string) => (rand.wild(0.15) ? anyValue(rand, view, field) : typedValue(rand, view, field));
  if (view.primaryKey.length === 1) return one(view.primaryKey[0]!);
  if (rand.wild(0.1)) return strangeValue(rand);
  const id: Record<string, unknown> = {};
  const row = view.rows.length ? rand.pick(view.rows) : {};
  for (const k of view.primaryKey) id[k] = rand.chance(0.7) ? row[k] : one(k);
  if (rand.wild(0.05)) id.extra = 1;
  return id;
}

function argsFor(rand: Random, view: TableView, method: string): unknown[] {
  switch (method) {
    case 'findById':
    case 'exists':
      return [idValue(rand, view), readOptions(rand)];
    case 'findFirst':
    case 'count':
      return rand.chance(0.1) ? [] : [filters(rand, view), readOptions(rand)];
    case 'findMany':
    case 'findWithPagination':
      return [listOptions(rand, view, false)];
    case 'findWithCursor':
      return [listOptions(rand, view, true)];
    default: {
      // A domain method: its arguments are unknown here, so draw from the table's values and shapes.
      const fields = Object.keys(view.columns);
      const pool = () =>
        rand.pick<() => unknown>([
          () => typedValue(rand, view, rand.pick(fields)),
          () => anyValue(rand, view, rand.pick(fields)),
          () => ({ [rand.pick([...fields, 'limit', 'query'])]: anyValue(rand, view, rand.pick(fields)) }),
          () => (rand.wild(0.3) ? rand.pick<unknown>([-1, 1.5, null, strangeValue(rand)]) : rand.pick<unknown>([1, 5, 20, 0, undefined])),
        ])();
      return Array.from({ length: rand.int(0, 3) }, pool);
    }
  }
}

/** The case list for `seed`: `count` calls spread over every read method of every repository. */
export function planCases(seed: number, count: number, views: TableView[], methodsOf: (repo: string) => string[]): FuzzCase[] {
  const reads = views.flatMap((view) =>
    methodsOf(view.key)
      .filter((m) => BASE_READS.includes(m) || READ_NAME.test(m))
      .map((method) => ({ view, method })),
  );
  return Array.from({ length: count }, (_, index) => {
    const { view, method } = reads[index % reads.length]!;
    const mode = createRandom(subSeed(seed, index));
    const walk = method === 'findWithCursor' && mode.chance(0.3);
    // Half the cases are tame (well-formed, so they reach SQL and compare rows); half are hostile.
    const hostile = mode.chance(0.5);
    return { index, repo: view.key, method, walk, hostile, args: () => argsFor(createRandom(subSeed(seed, index) ^ 0x5bd1e995, hostile), view, method) };
  });
}
