/**
 * Caller input, read once and safely. Options, filters, sort terms and ids often come straight from a
 * request, so before any of it is used each container is copied: only plain objects (`{…}` or
 * Object.create(null)) and arrays are accepted, each field is read exactly once, and a getter or proxy that
 * throws, a symbol key or an unknown option is a ValidationError naming the path (never the value). Later
 * checks and the SQL then see the same values, whatever a getter would return on a second read.
 *
 * `undefined` means "not given" everywhere; `null` is only a value where the type says so (a filter value
 * meaning IS NULL, a cursor meaning "from the start"): a null options object, filters or page is an error.
 */
import { ValidationError } from '../errors';

export type Fields = Record<string, unknown>;

const UNREADABLE = 'could not be read (a getter or proxy threw)';

/** True for `{…}` and Object.create(null) records; false for arrays, Dates, Maps, class instances and proxies that throw. */
export function isPlainRecord(value: unknown): value is Fields {
  if (typeof value !== 'object' || value === null) return false;
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  } catch {
    return false;
  }
}

/** True for an array (a revoked proxy counts as unreadable, not as an array). */
export function isList(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

const child = (path: string, key: string) => (path ? `${path}.${key.slice(0, 60)}` : key.slice(0, 60));

/**
 * A null-prototype copy of the plain object `value`, each field read once. `allowed` lists the keys an
 * options object may have (a misspelt option would otherwise be ignored and widen the query).
 */
export function readRecord(subject: string, path: string, value: unknown, allowed?: readonly string[]): Fields {
  const fail = (where: string, message: string) => new ValidationError(subject, [{ path: where, message }]);
  if (!isPlainRecord(value)) throw fail(path, isList(value) ? 'expected an object, not a list' : 'expected a plain object');
  const copy: Fields = Object.create(null);
  try {
    if (Object.getOwnPropertySymbols(value).length > 0) throw fail(path, 'symbol keys are not fields');
    for (const key of Object.keys(value)) copy[key] = value[key];
  } catch (error) {
    throw error instanceof ValidationError ? error : fail(path, UNREADABLE);
  }
  const unknown = allowed && Object.keys(copy).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw fail(child(path, unknown), `unknown option; use ${allowed!.join(', ')}`);
  return copy;
}

/** A copy of the array `value` (holes read as undefined); more than `max` items is refused before copying. */
export function readList(subject: string, path: string, value: unknown, max = Number.POSITIVE_INFINITY): unknown[] {
  const fail = (message: string) => new ValidationError(subject, [{ path, message }]);
  if (!isList(value)) throw fail('expected a list');
  try {
    if (value.length > max) throw fail(`at most ${max} values in one list`);
    return Array.from({ length: value.length }, (_, i) => value[i]);
  } catch (error) {
    throw error instanceof ValidationError ? error : fail(UNREADABLE);
  }
}

/** The `withDeleted` read option: absent, or a boolean ('no' would otherwise be truthy and include deleted rows). */
export function readFlag(subject: string, fields: Fields, key: string): boolean | undefined {
  const value = fields[key];
  if (value === undefined || typeof value === 'boolean') return value;
  throw new ValidationError(subject, [{ path: key, message: 'expected true or false' }]);
}

const EMPTY: Fields = Object.freeze(Object.create(null));

/** An options argument: absent (→ empty) or a plain object with only the `allowed` keys. */
export function readOptionsObject(subject: string, value: unknown, allowed: readonly string[]): Fields {
  return value === undefined ? EMPTY : readRecord(subject, 'options', value, allowed);
}
