/**
 * What a written row (create, update, upsert, bulkCreate) may hold so that every provider stores the same
 * thing, from the declared (pg) columns. Without these rules PostgreSQL refuses or rounds what SQLite stores
 * as given: NUL characters and lone surrogates in text or JSON, BigInt or NaN inside JSON, dates outside the
 * years 1 to 9999, more decimals than a numeric column's scale; and upper-case uuids are kept on SQLite only.
 */
import { getTableColumns } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import type { TableInfo } from '../tables';
import { textProblem, valueProblem } from './values';

type Row = Record<string, unknown>;

/** The first problem of a JSON value and where it is, or undefined. */
export function jsonProblem(value: unknown, path: string[]): { path: string[]; message: string } | undefined {
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'string') {
    const message = textProblem(value);
    return message ? { path, message } : undefined;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, message: 'JSON numbers must be finite' };
  const plain = typeof value === 'object' && (Array.isArray(value) || [Object.prototype, null].includes(Object.getPrototypeOf(value)));
  if (!plain) return { path, message: 'JSON holds text, finite numbers, booleans, null, lists and plain objects only' };
  for (const [key, inner] of Object.entries(value as object)) {
    const keyMessage = textProblem(key);
    const found = keyMessage ? { path: [...path, '(key)'], message: keyMessage } : jsonProblem(inner, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** Digits after the point of `n` as JavaScript prints it (12.345 → 3, 1e-7 → 7). */
function decimals(n: number): number {
  const [mantissa = '', exponent = '0'] = String(Math.abs(n)).split('e');
  return Math.max(0, (mantissa.split('.')[1]?.length ?? 0) - Number(exponent));
}

/** Why `value` cannot be written to `col` the same way on every provider, or undefined. */
export function writtenProblem(col: PgColumn, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined; // nullability is zod's part
  switch (col.columnType) {
    case 'PgText':
    case 'PgVarchar':
    case 'PgChar':
      return typeof value === 'string' ? textProblem(value) : undefined;
    case 'PgTimestamp':
      return value instanceof Date ? valueProblem(col, value) : undefined;
    case 'PgNumericNumber': {
      // numeric(p) has scale 0; a bare numeric has no limits at all.
      const { precision, scale = 0 } = col as PgColumn & { precision?: number; scale?: number };
      if (precision === undefined || typeof value !== 'number' || !Number.isFinite(value)) return undefined;
      if (decimals(value) > scale) return `at most ${scale} decimal place(s): round it first (PostgreSQL would round, SQLite would keep it)`;
      return Math.abs(value) >= 10 ** (precision - scale) ? `at most ${precision - scale} digit(s) before the point` : undefined;
    }
    default:
      return undefined;
  }
}

/** A zod refinement adding the rules above to a table's row validator. */
export function writtenRowRules(info: TableInfo) {
  const columns = getTableColumns(info.declared) as Record<string, PgColumn>;
  return (row: Row, ctx: z.RefinementCtx): void => {
    for (const [field, value] of Object.entries(row)) {
      const col = columns[field];
      if (!col) continue;
      if (col.columnType === 'PgJson' || col.columnType === 'PgJsonb') {
        const found = value === undefined ? undefined : jsonProblem(value, [field]);
        if (found) ctx.addIssue({ code: 'custom', path: found.path, message: found.message });
        continue;
      }
      const message = writtenProblem(col, value);
      if (message) ctx.addIssue({ code: 'custom', path: [field], message });
    }
  };
}

/** The row as every provider stores it: uuids in lower case (PostgreSQL's form). */
export function writtenRowForm(info: TableInfo) {
  const uuids = Object.entries(getTableColumns(info.declared) as Record<string, PgColumn>)
    .filter(([, col]) => col.columnType === 'PgUUID')
    .map(([field]) => field);
  return (row: Row): Row => {
    const out = { ...row };
    for (const field of uuids) if (typeof out[field] === 'string') out[field] = (out[field] as string).toLowerCase();
    return out;
  };
}
