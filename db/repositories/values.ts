/**
 * The type rules for values compared with a column (filters, IN lists, keys, cursors), from the declared
 * (pg) column so they are the same on every provider, and the form each value is sent in. A value that
 * breaks a rule would be refused by one database and silently miss on another, so it is refused before SQL.
 */
import type { PgColumn } from 'drizzle-orm/pg-core';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const INTEGER_LIMITS: Record<string, number> = { PgSmallInt: 2 ** 15, PgInteger: 2 ** 31, PgSerial: 2 ** 31 };

/**
 * Dates travel as ISO text; PostgreSQL reads only four-digit years from year 1 (year 0 and '+010000-…' are
 * errors there, while SQLite compares the milliseconds), so that is the range on every provider.
 */
const FIRST_MS = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** The milliseconds of a real Date (read with Date.prototype, so an own getTime cannot lie), else undefined. */
export function dateMs(value: unknown): number | undefined {
  try {
    if (!(value instanceof Date)) return undefined;
    const ms = Date.prototype.getTime.call(value);
    return Number.isNaN(ms) ? undefined : ms;
  } catch {
    return undefined; // a proxy around a Date, or one whose prototype lookup throws
  }
}

// A lone UTF-16 surrogate is not text: drivers replace it differently ('?' vs U+FFFD), so results would differ.
const LONE_SURROGATE = /\p{Cs}/u;

/** Why `text` cannot be compared with a text column, or undefined. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\0')) return 'text cannot contain a NUL character';
  return LONE_SURROGATE.test(text) ? 'text cannot contain a lone surrogate (invalid Unicode)' : undefined;
}

/** Why `value` can never be a value of the declared column `col`, or undefined when it can. */
export function valueProblem(col: PgColumn, value: unknown): string | undefined {
  switch (col.columnType) {
    case 'PgUUID':
      return typeof value === 'string' && UUID_PATTERN.test(value) ? undefined : 'expected a uuid';
    case 'PgText':
    case 'PgVarchar':
    case 'PgChar':
      return typeof value === 'string' ? textProblem(value) : 'expected text';
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
    case 'PgTimestamp': {
      const ms = dateMs(value);
      return ms !== undefined && ms >= FIRST_MS && ms <= LAST_MS ? undefined : 'expected a valid Date from year 1 to 9999';
    }
    case 'PgJson':
    case 'PgJsonb':
      return 'JSON columns cannot be compared; filter on another column';
    default:
      // A type the derivation does not know yet: at least nothing a driver cannot bind.
      return ['string', 'number', 'boolean'].includes(typeof value) || dateMs(value) !== undefined ? undefined : 'expected a plain value';
  }
}

/**
 * `value` (already checked by valueProblem) in the form sent to the database: a uuid in lower case
 * (Postgres compares uuids case-blind, SQLite compares stored text), a Date as a fresh copy (an own
 * toISOString on the caller's Date is what a pg driver would send).
 */
export function portableValue(col: PgColumn, value: unknown): unknown {
  if (col.columnType === 'PgUUID' && typeof value === 'string') return value.toLowerCase();
  const ms = dateMs(value);
  return ms === undefined ? value : new Date(ms);
}
