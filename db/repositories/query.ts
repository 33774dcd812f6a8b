/**
 * Filters, ordering and keyset cursors, built from whitelisted column names only. Values always travel
 * as parameters; `contains`, `startsWith` and `search` are case-insensitive the same way on every provider
 * (see foldCase) and treat %, _ and \ literally.
 */
import { and, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { ValidationError } from '../errors';
import { isList, isPlainRecord, readList, readRecord } from './input';
import { portableValue, textProblem, valueProblem } from './values';

/** What the builders need to know about a table. */
export interface QueryShape {
  entity: string;
  columns: Record<string, PgColumn>;
  searchable: PgColumn[];
  /** The creation-time column, when the table has one (createdAfter/createdBefore filters). */
  createdAt: PgColumn | undefined;
  /** Fields declared as text: the only ones `contains` and `startsWith` accept. */
  textFields: ReadonlySet<string>;
  /** The declared (pg) columns, by field: filter values are checked against their types on every provider. */
  declared: Record<string, PgColumn>;
}

/** `{ field: 'title', direction: 'desc' }` or a list of them, field names unchecked yet. */
export type LooseOrder = { field: string; direction?: string } | { field: string; direction?: string }[];

/** At most this many values in one IN list (SQLite binds at most 32,766 parameters per statement). */
export const MAX_IN_VALUES = 10_000;

const filterError = (shape: QueryShape, path: string, message: string) => new ValidationError(`${shape.entity} filter`, [{ path, message }]);

/** `value` checked against the declared column of `field`, in the form it is sent (see portableValue). */
function checked(shape: QueryShape, field: string, value: unknown, path = field): unknown {
  const col = shape.declared[field]!;
  const problem = valueProblem(col, value);
  if (problem) throw filterError(shape, path, problem);
  return portableValue(col, value);
}

const OPERATORS = new Set(['gt', 'gte', 'lt', 'lte', 'ne', 'contains', 'startsWith', 'isNull']);

/** Escapes LIKE wildcards so user text matches literally (used with ESCAPE '\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The one case-insensitive comparison: both sides lowered character by character (Unicode's simple lowercase
 * mapping, what PostgreSQL's lower() does under a UTF-8 locale: 'É' → 'é', 'İ' → 'i', every 'Σ' → 'σ'), then
 * the final sigma 'ς' read as 'σ' so 'ΣΊΣΥΦΟΣ' finds 'Σίσυφος'. No expansions: 'ß' does not match 'ss'.
 * SQLite runs the same SQL; db/dialects/sqlite/functions.ts gives it lower() and translate() that behave so.
 */
function foldCase(value: SQL | PgColumn | string): SQL {
  return sql`translate(lower(${value}), 'ς', 'σ')`;
}

function likeInsensitive(column: PgColumn, pattern: string): SQL {
  return sql`${foldCase(column)} like ${foldCase(pattern)} escape '\\'`;
}

function column(shape: QueryShape, field: string, purpose: string): PgColumn {
  const col = Object.hasOwn(shape.columns, field) ? shape.columns[field] : undefined;
  if (!col) {
    throw new ValidationError(`${shape.entity} ${purpose}`, [{ path: field.slice(0, 60), message: `unknown field; use one of ${Object.keys(shape.columns).join(', ')}` }]);
  }
  return col;
}

function operatorConditions(shape: QueryShape, field: string, col: PgColumn, input: Record<string, unknown>): SQL[] {
  const out: SQL[] = [];
  for (const [op, value] of Object.entries(readRecord(`${shape.entity} filter`, field, input))) {
    if (!OPERATORS.has(op)) throw filterError(shape, `${field}.${op.slice(0, 30)}`, `unknown operator; use ${[...OPERATORS].join(', ')}`);
    if (value === undefined) continue;
    // 'false' or 0 would otherwise be read as truthy or falsy and pick a side silently.
    if (op === 'isNull') {
      if (typeof value !== 'boolean') throw filterError(shape, `${field}.isNull`, 'expected true or false');
      out.push(value ? isNull(col) : isNotNull(col));
    } else if (value === null) throw filterError(shape, `${field}.${op}`, 'a comparison with null matches nothing; use isNull');
    else if (op === 'contains' || op === 'startsWith') {
      if (!shape.textFields.has(field)) throw filterError(shape, `${field}.${op}`, 'text operators apply to text columns only');
      if (typeof value !== 'string') throw filterError(shape, `${field}.${op}`, 'expected text');
      checked(shape, field, value, `${field}.${op}`);
      out.push(likeInsensitive(col, op === 'contains' ? `%${escapeLike(value)}%` : `${escapeLike(value)}%`));
    } else {
      const compare = { gt, gte, lt, lte, ne }[op as 'gt' | 'gte' | 'lt' | 'lte' | 'ne'];
      out.push(compare(col, checked(shape, field, value, `${field}.${op}`)));
    }
  }
  // `{ email: {} }` would otherwise match every row (an app passing request input straight through).
  if (out.length === 0) throw filterError(shape, field, `give a value or at least one operator (${[...OPERATORS].join(', ')})`);
  return out;
}

/** The IN condition for a list; null or undefined inside it would match nothing on one provider and fail on another. */
function listCondition(shape: QueryShape, field: string, col: PgColumn, input: unknown[]): SQL {
  const values = readList(`${shape.entity} filter`, field, input, MAX_IN_VALUES).map((v, i) => {
    if (v === null || v === undefined) throw filterError(shape, `${field}.${i}`, 'a list cannot hold null or undefined; for null use { isNull: true }');
    return checked(shape, field, v, `${field}.${i}`);
  });
  return values.length ? inArray(col, values) : sql`1 = 0`;
}

/** The WHERE condition for `input` (a filters object, or undefined: nothing to filter). */
export function buildWhere(shape: QueryShape, input: unknown): SQL | undefined {
  if (input === undefined) return undefined;
  const parts: SQL[] = [];
  for (const [field, value] of Object.entries(readRecord(`${shape.entity} filter`, 'filters', input))) {
    if (value === undefined) continue;
    if (field === 'search') {
      if (typeof value !== 'string') throw filterError(shape, 'search', 'expected text');
      const problem = textProblem(value);
      if (problem) throw filterError(shape, 'search', problem);
      const pattern = `%${escapeLike(value)}%`;
      const any = or(...shape.searchable.map((c) => likeInsensitive(c, pattern)));
      if (any) parts.push(any);
    } else if ((field === 'createdAfter' || field === 'createdBefore') && shape.createdAt) {
      const at = checked(shape, 'createdAt', value, field);
      parts.push(field === 'createdAfter' ? gt(shape.createdAt, at) : lt(shape.createdAt, at));
    } else {
      const col = column(shape, field, 'filter');
      if (value === null) parts.push(isNull(col));
      else if (isList(value)) parts.push(listCondition(shape, field, col, value));
      else if (isPlainRecord(value)) parts.push(...operatorConditions(shape, field, col, value));
      else parts.push(eq(col, checked(shape, field, value)));
    }
  }
  return parts.length ? and(...parts) : undefined;
}

const JSON_TYPES = ['PgJson', 'PgJsonb'];

/** One sort column: `notNull` when the declared column can hold no NULL (keyset pages need no NULL branch for it). */
export interface OrderTerm {
  field: string;
  col: PgColumn;
  dir: 'asc' | 'desc';
  notNull: boolean;
}

const notNull = (shape: QueryShape, field: string) => shape.declared[field]!.notNull || shape.declared[field]!.primary;

/** Validated order terms, always ending with the primary key so the order is total. */
export function orderTerms(shape: QueryShape, input: unknown, keys: string[]): OrderTerm[] {
  const subject = `${shape.entity} sort`;
  const many = isList(input);
  const list = input === undefined ? [] : many ? readList(subject, 'orderBy', input) : [input];
  const terms = list.map((item, i): OrderTerm => {
    const path = many ? `orderBy.${i}` : 'orderBy';
    const { field, direction } = readRecord(subject, path, item, ['field', 'direction']);
    if (typeof field !== 'string') throw new ValidationError(subject, [{ path: `${path}.field`, message: 'expected a field name' }]);
    if (direction !== undefined && direction !== 'asc' && direction !== 'desc') {
      throw new ValidationError(subject, [{ path: `${field.slice(0, 60)}.direction`, message: 'use asc or desc' }]);
    }
    const col = column(shape, field, 'sort');
    // jsonb sorts by its own rules on Postgres, JSON text sorts as text on SQLite: the orders would differ.
    if (JSON_TYPES.includes(shape.declared[field]!.columnType)) throw new ValidationError(subject, [{ path: field, message: 'JSON columns cannot be sorted; sort on another column' }]);
    return { field, col, dir: direction === 'desc' ? 'desc' : 'asc', notNull: notNull(shape, field) };
  });
  for (const key of keys) {
    if (!terms.some((t) => t.field === key)) terms.push({ field: key, col: column(shape, key, 'sort'), dir: terms[0]?.dir ?? 'asc', notNull: notNull(shape, key) });
  }
  return terms;
}
