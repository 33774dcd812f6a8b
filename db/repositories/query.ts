/**
 * Filters, ordering and keyset cursors, built from whitelisted column names only. Values always travel
 * as parameters; `contains`, `startsWith` and `search` are case-insensitive the same way on every provider
 * (see foldCase) and treat %, _ and \ literally.
 */
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { ValidationError } from '../errors';

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

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const INTEGER_LIMITS: Record<string, number> = { PgSmallInt: 2 ** 15, PgInteger: 2 ** 31, PgSerial: 2 ** 31 };
/** At most this many values in one IN list (SQLite binds at most 32,766 parameters per statement). */
export const MAX_IN_VALUES = 10_000;

/** Why `value` can never be a value of the declared column `col`, or undefined when it can. */
export function valueProblem(col: PgColumn, value: unknown): string | undefined {
  switch (col.columnType) {
    case 'PgUUID':
      return typeof value === 'string' && UUID_PATTERN.test(value) ? undefined : 'expected a uuid';
    case 'PgText':
    case 'PgVarchar':
    case 'PgChar':
      if (typeof value !== 'string') return 'expected text';
      return value.includes('\0') ? 'text cannot contain a NUL character' : undefined;
    case 'PgSmallInt':
    case 'PgInteger':
    case 'PgSerial':
    case 'PgBigInt53': {
      const limit = INTEGER_LIMITS[col.columnType] ?? 2 ** 53;
      return Number.isSafeInteger(value) && (value as number) >= -limit && (value as number) < limit ? undefined : `expected an integer from ${-limit} to ${limit - 1}`;
    }
    case 'PgDoublePrecision':
    case 'PgReal':
    case 'PgNumericNumber':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'expected a finite number';
    case 'PgBoolean':
      return typeof value === 'boolean' ? undefined : 'expected true or false';
    case 'PgTimestamp':
      return value instanceof Date && !Number.isNaN(value.getTime()) ? undefined : 'expected a valid Date';
    case 'PgJson':
    case 'PgJsonb':
      return 'JSON columns cannot be compared; filter on another column';
    default:
      return undefined;
  }
}

/** Throws ValidationError unless every non-null value fits the declared column of `field`. */
function checkValues(shape: QueryShape, field: string, values: unknown[], path = field): void {
  const col = shape.declared[field];
  if (!col) return;
  for (const value of values) {
    if (value === null || value === undefined) continue;
    const problem = valueProblem(col, value);
    if (problem) throw new ValidationError(`${shape.entity} filter`, [{ path, message: problem }]);
  }
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

function operatorConditions(shape: QueryShape, field: string, col: PgColumn, ops: Record<string, unknown>): SQL[] {
  const out: SQL[] = [];
  for (const [op, value] of Object.entries(ops)) {
    if (!OPERATORS.has(op)) throw new ValidationError(`${shape.entity} filter`, [{ path: `${field}.${op.slice(0, 30)}`, message: `unknown operator; use ${[...OPERATORS].join(', ')}` }]);
    if (value === undefined) continue;
    if (op === 'isNull') out.push(value ? isNull(col) : isNotNull(col));
    else if (op === 'contains' || op === 'startsWith') {
      if (!shape.textFields.has(field)) throw new ValidationError(`${shape.entity} filter`, [{ path: `${field}.${op}`, message: 'text operators apply to text columns only' }]);
      if (typeof value !== 'string') throw new ValidationError(`${shape.entity} filter`, [{ path: `${field}.${op}`, message: 'expected text' }]);
      checkValues(shape, field, [value], `${field}.${op}`);
      out.push(likeInsensitive(col, op === 'contains' ? `%${escapeLike(value)}%` : `${escapeLike(value)}%`));
    } else {
      checkValues(shape, field, [value], `${field}.${op}`);
      const compare = { gt, gte, lt, lte, ne }[op as 'gt' | 'gte' | 'lt' | 'lte' | 'ne'];
      out.push(compare(col, value));
    }
  }
  // `{ email: {} }` would otherwise match every row (an app passing request input straight through).
  if (out.length === 0) throw new ValidationError(`${shape.entity} filter`, [{ path: field, message: `give a value or at least one operator (${[...OPERATORS].join(', ')})` }]);
  return out;
}

/** The WHERE condition for `filters` (undefined when there is nothing to filter). */
export function buildWhere(shape: QueryShape, filters: Record<string, unknown> = {}): SQL | undefined {
  const parts: SQL[] = [];
  for (const [field, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    if (field === 'search') {
      if (typeof value !== 'string') throw new ValidationError(`${shape.entity} filter`, [{ path: 'search', message: 'expected text' }]);
      if (value.includes('\0')) throw new ValidationError(`${shape.entity} filter`, [{ path: 'search', message: 'text cannot contain a NUL character' }]);
      const pattern = `%${escapeLike(value)}%`;
      const any = or(...shape.searchable.map((c) => likeInsensitive(c, pattern)));
      if (any) parts.push(any);
    } else if ((field === 'createdAfter' || field === 'createdBefore') && shape.createdAt) {
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new ValidationError(`${shape.entity} filter`, [{ path: field, message: 'expected a valid Date' }]);
      parts.push(field === 'createdAfter' ? gt(shape.createdAt, value) : lt(shape.createdAt, value));
    } else {
      const col = column(shape, field, 'filter');
      if (Array.isArray(value)) {
        if (value.length > MAX_IN_VALUES) throw new ValidationError(`${shape.entity} filter`, [{ path: field, message: `at most ${MAX_IN_VALUES} values in one list` }]);
        checkValues(shape, field, value);
      } else if (value instanceof Date || typeof value !== 'object') checkValues(shape, field, [value]);
      if (value === null) parts.push(isNull(col));
      else if (Array.isArray(value)) parts.push(value.length ? inArray(col, value) : sql`1 = 0`);
      else if (typeof value === 'object' && !(value instanceof Date)) parts.push(...operatorConditions(shape, field, col, value as Record<string, unknown>));
      else parts.push(eq(col, value));
    }
  }
  return parts.length ? and(...parts) : undefined;
}

/** Validated order terms, always ending with the primary key so the order is total. */
export function orderTerms(shape: QueryShape, orderBy: LooseOrder | undefined, keys: string[]): { field: string; col: PgColumn; dir: 'asc' | 'desc' }[] {
  const list = orderBy === undefined ? [] : Array.isArray(orderBy) ? orderBy : [orderBy];
  const terms = list.map((o): { field: string; col: PgColumn; dir: 'asc' | 'desc' } => {
    if (o.direction !== undefined && o.direction !== 'asc' && o.direction !== 'desc') {
      throw new ValidationError(`${shape.entity} sort`, [{ path: `${String(o.field).slice(0, 60)}.direction`, message: 'use asc or desc' }]);
    }
    return { field: o.field, col: column(shape, String(o.field), 'sort'), dir: o.direction === 'desc' ? 'desc' : 'asc' };
  });
  for (const key of keys) {
    if (!terms.some((t) => t.field === key)) terms.push({ field: key, col: column(shape, key, 'sort'), dir: terms[0]?.dir ?? 'asc' });
  }
  return terms;
}

/** ORDER BY with NULLs placed as Postgres does by default (largest), made explicit for SQLite. */
export function orderSql(terms: { col: PgColumn; dir: 'asc' | 'desc' }[]): SQL[] {
  return terms.map((t) => (t.dir === 'asc' ? sql`${asc(t.col)} nulls last` : sql`${desc(t.col)} nulls first`));
}

/** Rows strictly after `values` in the order of `terms` (keyset pagination; NULL sorts as largest). */
export function afterCursor(terms: { col: PgColumn; dir: 'asc' | 'desc' }[], values: unknown[]): SQL {
  const branches: SQL[] = [];
  for (let i = 0; i < terms.length; i++) {
    const { col, dir } = terms[i]!;
    const v = values[i];
    let after: SQL | undefined;
    if (v === null) after = dir === 'asc' ? undefined : isNotNull(col);
    else after = dir === 'asc' ? or(gt(col, v), isNull(col)) : lt(col, v);
    if (after) {
      const equal = terms.slice(0, i).map((t, j) => (values[j] === null ? isNull(t.col) : eq(t.col, values[j])));
      branches.push(and(...equal, after)!);
    }
  }
  return or(...branches) ?? sql`1 = 0`;
}
