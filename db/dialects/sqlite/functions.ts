/**
 * PostgreSQL built-ins that the shared query code uses, given to SQLite with PostgreSQL's behaviour, so the
 * same SQL matches the same rows on every provider (the comparison itself is foldCase in
 * db/repositories/query.ts). SQLite lets an application function override a built-in of the same name.
 *
 * - lower(): SQLite's folds ASCII only. PostgreSQL's (UTF-8 locale) maps each character on its own with
 *   Unicode's simple lowercase mapping. JavaScript's toLowerCase() is that mapping except for two context or
 *   length rules, undone here: 'Σ' at the end of a word becomes 'ς' and 'İ' becomes 'i' + U+0307.
 * - translate(): missing from SQLite; PostgreSQL's replaces each character of `from` by the one at the same
 *   place in `to`, and drops it when `to` is shorter.
 */
import type Database from 'better-sqlite3';

function lower(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.replace(/[Σİ]/g, (c) => (c === 'Σ' ? 'σ' : 'i')).toLowerCase();
}

function translate(value: unknown, from: unknown, to: unknown): unknown {
  if (value === null || from === null || to === null) return null;
  if (typeof value !== 'string' || typeof from !== 'string' || typeof to !== 'string') return value;
  const source = [...from];
  const target = [...to];
  return [...value]
    .map((c) => {
      const at = source.indexOf(c);
      return at === -1 ? c : (target[at] ?? '');
    })
    .join('');
}

/** Registers the workspace's SQL functions on a better-sqlite3 connection. */
export function installSqliteFunctions(native: Database.Database): void {
  native.function('lower', { deterministic: true }, lower);
  native.function('translate', { deterministic: true }, translate);
}
