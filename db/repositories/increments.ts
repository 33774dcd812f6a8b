/**
 * update()'s `increment` option, read once and checked against the declared columns before any SQL: only
 * numeric fields update may set, amounts each column can hold (an integer for an integer column, at most a
 * numeric's scale in decimals), so `set col = col + $1` means the same on every provider.
 */
import type { PgColumn } from 'drizzle-orm/pg-core';
import { ValidationError } from '../errors';
import { readOptionsObject, readRecord } from './input';
import { valueProblem } from './values';
import { writtenProblem } from './written';

const NUMERIC_TYPES: readonly string[] = ['PgSmallInt', 'PgInteger', 'PgSerial', 'PgBigInt53', 'PgReal', 'PgDoublePrecision', 'PgNumericNumber'];

/** Columns the repository keeps itself (see ManagedField in types.ts). */
const MANAGED = ['createdAt', 'deletedAt', 'updatedAt'];

export interface Increment {
  field: string;
  amount: number;
  /** The declared scale of a numeric column, else undefined. */
  scale: number | undefined;
}

/** The increments asked for in update()'s `options` (none when absent), checked field by field. */
export function increments(entity: string, declared: Record<string, PgColumn>, keys: readonly string[], options: unknown): Increment[] {
  const subject = `${entity} update`;
  const given = readOptionsObject(`${entity} update options`, options, ['increment']).increment;
  if (given === undefined) return [];
  const amounts = readRecord(subject, 'increment', given);
  const numeric = Object.keys(declared).filter((k) => NUMERIC_TYPES.includes(declared[k]!.columnType) && !keys.includes(k) && !MANAGED.includes(k));
  const issues: { path: string; message: string }[] = [];
  const found: Increment[] = [];
  for (const [field, amount] of Object.entries(amounts)) {
    const col = declared[field];
    const path = `increment.${field.slice(0, 60)}`;
    if (!col || !numeric.includes(field)) {
      issues.push({ path, message: `not a numeric field update can set; use ${numeric.join(', ') || '(none on this table)'}` });
      continue;
    }
    const problem = amount === undefined ? 'expected a number' : (valueProblem(col, amount) ?? writtenProblem(col, amount));
    if (problem) issues.push({ path, message: problem });
    else found.push({ field, amount: amount as number, scale: col.columnType === 'PgNumericNumber' ? (col as PgColumn & { scale?: number }).scale : undefined });
  }
  if (issues.length > 0) throw new ValidationError(subject, issues);
  return found;
}
