/**
 * Generators for what a read call takes: filter values of every column type (dataset hits, edge values,
 * wrong types, lists, operator objects), whole filter objects, sort terms, pagination and read options.
 * Everything is derived from the declared columns and the dataset; no table of the example is named.
 * Hostile branches go through rand.wild(), so a tame case is well formed and reaches the database.
 */
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Row } from './dataset';
import { randomUuid, type Random } from './random';
import { dateInYear, FILTER_TEXT, nullProto, PORTABLE_TEXT, SAFE_FLOATS, SAFE_INTEGERS, safeDates, strangeValue, WILD_NUMBERS, WILD_TEXT, wildDates } from './values';

/** One table as the generators see it: its declared columns, key fields and dataset rows. */
export interface TableView {
  key: string;
  columns: Record<string, PgColumn>;
  primaryKey: string[];
  rows: readonly Row[];
}

const OPERATORS = ['gt', 'gte', 'lt', 'lte', 'ne', 'contains', 'startsWith', 'isNull'];
const TEXT_TYPES = ['PgText', 'PgVarchar', 'PgChar'];
const INTEGER_TYPES = ['PgInteger', 'PgSmallInt', 'PgSerial', 'PgBigInt53'];
const JSON_TYPES = ['PgJson', 'PgJsonb'];

const isText = (view: TableView, field: string) => TEXT_TYPES.includes(view.columns[field]!.columnType);
/** Fields a tame case filters and sorts on (JSON columns cannot be compared). */
const comparable = (view: TableView) => Object.keys(view.columns).filter((f) => !JSON_TYPES.includes(view.columns[f]!.columnType));
const anyField = (rand: Random, view: TableView) => rand.pick(rand.wild(0.1) ? Object.keys(view.columns) : comparable(view));

/** Variants of a stored text that case-insensitive operators should (or should not) match; cut on code points. */
function textVariant(rand: Random, text: string): string {
  const chars = Array.from(text);
  const start = rand.int(0, Math.max(0, chars.length - 1));
  return rand.pick([text, text.toUpperCase(), text.toLowerCase(), chars.slice(start, start + rand.int(1, 4)).join(''), `${text}x`, text.normalize('NFD')]);
}

function textValue(rand: Random, stored: unknown): string {
  if (typeof stored === 'string' && rand.chance(0.5)) return textVariant(rand, stored);
  if (rand.wild(0.2)) return rand.pick(WILD_TEXT);
  return rand.chance(0.1) ? rand.pick(FILTER_TEXT) : textVariant(rand, rand.pick(PORTABLE_TEXT));
}

function numberValue(rand: Random, col: PgColumn, stored: unknown): number {
  const integer = INTEGER_TYPES.includes(col.columnType);
  if (rand.wild(0.2)) return rand.pick(WILD_NUMBERS);
  if (typeof stored === 'number' && rand.chance(0.4)) return stored + rand.pick(integer ? [-1, 1] : [-1, -0.25, 0.25, 1e-9]);
  return rand.pick(integer ? SAFE_INTEGERS : SAFE_FLOATS);
}

/** A value of `field`'s own type: a dataset value (a hit), a variant of one, or an edge value. */
export function typedValue(rand: Random, view: TableView, field: string): unknown {
  const col = view.columns[field]!;
  const stored = view.rows.length ? rand.pick(view.rows)[field] : null;
  if (rand.chance(0.4) && stored !== null && stored !== undefined) return stored instanceof Date ? new Date(stored) : stored;
  switch (col.columnType) {
    case 'PgUUID':
      if (typeof stored !== 'string' || rand.chance(0.5)) return randomUuid(rand);
      return rand.wild(0.5) ? rand.pick([`{${stored}}`, stored.replace(/-/g, '')]) : stored.toUpperCase();
    case 'PgText':
    case 'PgVarchar':
    case 'PgChar':
      return textValue(rand, stored);
    case 'PgBoolean':
      return rand.chance(0.5);
    case 'PgTimestamp':
      if (stored instanceof Date && rand.chance(0.5)) return new Date(stored.getTime() + rand.pick([-1, 1, 1000, -86_400_000]));
      return rand.pick(rand.wild(0.3) ? wildDates() : safeDates());
    case 'PgJson':
    case 'PgJsonb':
      return { n: rand.int(-5, 5) };
    default:
      return numberValue(rand, col, stored);
  }
}

/** A value for `field`: usually of its type; in a hostile case sometimes of another type, or strange. */
export function anyValue(rand: Random, view: TableView, field: string): unknown {
  if (!rand.wild(0.25)) return typedValue(rand, view, field);
  const roll = rand.next();
  if (roll < 0.4) return typedValue(rand, view, rand.pick(Object.keys(view.columns)));
  if (roll < 0.6) return rand.pick(['2', 'true', '', '2024-01-01', dateInYear(2024).toISOString(), '1e3']);
  return strangeValue(rand);
}

function operatorObject(rand: Random, view: TableView, field: string): unknown {
  const ops: Record<string, unknown> = {};
  const names = rand.wild(0.2) || isText(view, field) ? OPERATORS : OPERATORS.filter((o) => o !== 'contains' && o !== 'startsWith');
  for (let n = rand.wild(0.1) ? 0 : rand.int(1, 3); n > 0; n--) {
    const op = rand.wild(0.05) ? rand.pick(['like', 'eq', '__proto__', 'constructor', 'in']) : rand.pick(names);
    if (op === 'isNull') ops[op] = rand.wild(0.3) ? rand.pick<unknown>(['false', 0, null]) : rand.chance(0.5);
    else if ((op === 'contains' || op === 'startsWith') && !rand.wild(0.2)) ops[op] = textValue(rand, view.rows.length ? rand.pick(view.rows)[field] : null);
    else ops[op] = rand.wild(0.05) ? null : anyValue(rand, view, field);
  }
  return rand.chance(0.2) ? nullProto(ops) : ops;
}

/** What a filter entry for `field` may hold: a value, null, an IN list or an operator object. */
export function filterValue(rand: Random, view: TableView, field: string): unknown {
  const roll = rand.next();
  if (roll < 0.4) return anyValue(rand, view, field);
  if (roll < 0.45) return null;
  if (roll < 0.65) {
    if (rand.wild(0.02)) return Array.from({ length: 10_001 }, (_, i) => i);
    return Array.from({ length: rand.int(0, 5) }, () => (rand.wild(0.1) ? rand.pick([null, undefined]) : anyValue(rand, view, field)));
  }
  return operatorObject(rand, view, field);
}

/** A filters argument: a plain (or null-prototype) object of 0–3 entries; in a hostile case sometimes not one. */
export function filters(rand: Random, view: TableView): unknown {
  if (rand.wild(0.04)) return rand.chance(0.5) ? null : strangeValue(rand);
  const out: Record<string, unknown> = {};
  for (let n = rand.int(0, 3); n > 0; n--) {
    const roll = rand.next();
    const field = anyField(rand, view);
    if (roll < 0.12) out.search = rand.wild(0.15) ? anyValue(rand, view, field) : textValue(rand, null);
    else if (roll < 0.2 && view.columns.createdAt) out[rand.pick(['createdAfter', 'createdBefore'])] = rand.wild(0.2) ? anyValue(rand, view, field) : typedValue(rand, view, 'createdAt');
    else if (rand.wild(0.05)) out[rand.pick(['1=1 or x', '__proto__', 'constructor', 'nope', ''])] = anyValue(rand, view, field);
    else out[field] = filterValue(rand, view, field);
  }
  return rand.chance(0.1) ? nullProto(out) : out;
}

/** A sort argument: nothing, one term or a list of them. */
export function orderBy(rand: Random, view: TableView): unknown {
  if (rand.chance(0.35)) return undefined;
  if (rand.wild(0.05)) return rand.pick<unknown>([null, 'id', [null], strangeValue(rand)]);
  const term = () => {
    const field = rand.wild(0.07) ? rand.pick<unknown>(['nope', '__proto__', 'id; drop table x', Symbol('f'), 1, null]) : anyField(rand, view);
    const direction = rand.wild(0.1) ? rand.pick<unknown>(['ASC', 'sideways', null, 1, Symbol('d')]) : rand.pick([undefined, 'asc', 'desc']);
    return direction === undefined && rand.chance(0.5) ? { field } : { field, direction };
  };
  return rand.chance(0.5) ? term() : Array.from({ length: rand.int(0, 3) }, term);
}

/** A page number or size: mostly small and valid; in a hostile case sometimes out of range or of another type. */
export function pageValue(rand: Random, small: readonly number[]): unknown {
  return rand.wild(0.2) ? rand.pick<unknown>([0, -1, 1.5, Number.NaN, '2', null, 2 ** 53, 1e18, 1001, 10n]) : rand.pick(small);
}

/** The read options of findById, exists, findFirst and count. */
export function readOptions(rand: Random): unknown {
  if (rand.wild(0.1)) return rand.pick<unknown>([null, {}, { withDeleted: 'no' }, { withDeleted: 1 }, { withDeleted: null }, { withDeleted: true, extra: 1 }, strangeValue(rand)]);
  return rand.chance(0.5) ? undefined : { withDeleted: rand.chance(0.5) };
}
