/**
 * Opaque keyset cursors: base64url JSON of the sort fields and the last row's values. Dates keep their
 * type; a cursor made for another sort order, or tampered with, is a ValidationError, never SQL.
 */
import { ValidationError } from '../errors';

type Encoded = string | number | boolean | null | { d: string };

function encodeValue(value: unknown): Encoded {
  if (value instanceof Date) return { d: value.toISOString() };
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** The cursor pointing just after a row with these sort values. */
export function encodeCursor(fields: string[], values: unknown[]): string {
  return Buffer.from(JSON.stringify({ f: fields, v: values.map(encodeValue) })).toString('base64url');
}

/** The sort values inside `cursor`; it must have been made for the same `fields`. */
export function decodeCursor(entity: string, cursor: string, fields: string[]): unknown[] {
  const invalid = () => new ValidationError(`${entity} cursor`, [{ path: 'cursor', message: 'not a cursor from this query; start again without one' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  // A forged body may be any JSON: null, a number, or fields that are lists whose join looks right.
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const body = parsed as { f?: unknown; v?: unknown };
  if (!Array.isArray(body.f) || !Array.isArray(body.v) || body.v.length !== fields.length) throw invalid();
  if (body.f.length !== fields.length || body.f.some((f, i) => f !== fields[i])) throw invalid();
  return body.v.map((v: unknown) => {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    if (typeof v === 'object' && typeof (v as { d?: unknown }).d === 'string') {
      const date = new Date((v as { d: string }).d);
      if (!Number.isNaN(date.getTime())) return date;
    }
    throw invalid();
  });
}
