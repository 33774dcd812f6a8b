/**
 * What a fuzz case did, as a string two targets can be compared on: the result in a canonical JSON form
 * (dates as ISO text, object keys sorted), or the error's class and code. Also a safe description of
 * the arguments for failure reports (they may hold proxies that throw and symbols).
 */
import { DbError, QueryError, type Repositories } from '../../../db';
import type { FuzzCase } from './cases';

export interface Outcome {
  /** `ok <json>` or `error <Class> <CODE>`. */
  text: string;
  /** Set when the failure is not one a caller can rely on (see `untyped`). */
  untyped?: string;
}

function canonical(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value === null || typeof value !== 'object') return value ?? null;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}

/**
 * Why `error` breaks the contract, or undefined: it must be a DbError, and a QueryError must carry a
 * database code (one without is a JavaScript error of our own code that the guard wrapped).
 */
function untyped(error: unknown): string | undefined {
  if (!(error instanceof DbError)) return `${(error as Error)?.constructor?.name ?? typeof error}: ${String((error as Error)?.message).slice(0, 160)}`;
  if (error instanceof QueryError && !error.sqlState) return `QueryError without a database code: ${error.message.slice(0, 160)}`;
  return undefined;
}

/** Runs `c` on `repos` (following nextCursor for a walk) and records what happened. */
export async function runCase(repos: Repositories, c: FuzzCase): Promise<Outcome> {
  const method = (repos as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>)[c.repo]![c.method]!;
  try {
    const args = c.args();
    if (!c.walk) return { text: `ok ${JSON.stringify(canonical(await method(...args)))}` };
    const pages: unknown[] = [];
    let options = args[0] as Record<string, unknown>;
    for (let i = 0; i < 4; i++) {
      const page = (await method(options)) as { items: unknown[]; nextCursor: string | null };
      pages.push(page);
      if (!page.nextCursor) break;
      options = { ...options, cursor: page.nextCursor };
    }
    return { text: `ok ${JSON.stringify(canonical(pages))}` };
  } catch (error) {
    const reason = untyped(error);
    return reason ? { text: `untyped ${reason}`, untyped: reason } : { text: `error ${(error as DbError).name} ${(error as DbError).code}` };
  }
}

/** A short, never-throwing description of a value (for reports). */
export function describeValue(value: unknown, depth = 0): string {
  try {
    if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…(${value.length})` : value);
    if (typeof value === 'symbol') return value.toString();
    if (typeof value === 'function') return '[function]';
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
    if (value === null || typeof value !== 'object') return String(value);
    if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
    if (depth > 3) return '…';
    if (Array.isArray(value)) return value.length > 8 ? `[${value.length} items]` : `[${value.map((v) => describeValue(v, depth + 1)).join(', ')}]`;
    const proto = Object.getPrototypeOf(value);
    const tag = proto === null ? 'null-proto ' : proto === Object.prototype ? '' : `${proto?.constructor?.name ?? '?'} `;
    const keys = Reflect.ownKeys(value);
    return `${tag}{${keys.map((k) => `${String(k)}: ${describeValue(Object.getOwnPropertyDescriptor(value, k)?.get ? '[getter]' : (value as Record<PropertyKey, unknown>)[k], depth + 1)}`).join(', ')}}`;
  } catch {
    return '[unreadable]';
  }
}
