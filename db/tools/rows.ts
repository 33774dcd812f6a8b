/**
 * Rows of whole tables, for tools that move whole databases (copy, backup, restore): keyset reads in
 * primary-key order, a per-table checksum over provider-independent row shapes, and a JSON encoding of
 * row values that keeps their types (snapshots). Tables come from db/tables.ts (every table of the schema).
 */
import { createHash } from 'node:crypto';
import { and, count, eq, getTableColumns, gt, or, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DatabaseClient } from '../client';
import { internalsOf } from '../internals';
import { SCHEMA_TABLES, type TableInfo } from '../tables';

/** The handle's own table object for `info` (the derived one on SQLite). */
export function tableOf(client: DatabaseClient, info: TableInfo): PgTable {
  return internalsOf(client).tables[info.key];
}

/** Number of rows in the table (soft-deleted ones included). */
export async function countRows(client: DatabaseClient, info: TableInfo): Promise<number> {
  const [row] = await internalsOf(client).run((db) => db.select({ n: count() }).from(tableOf(client, info)));
  return Number(row?.n ?? 0);
}

/** Reads every row (soft-deleted too) in primary-key order, `batchSize` rows per query, by keyset. */
export async function* readRows(client: DatabaseClient, info: TableInfo, batchSize: number): AsyncGenerator<Record<string, unknown>[]> {
  const table = tableOf(client, info);
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const keys = info.primaryKey.map((k) => columns[k]!);
  let last: Record<string, unknown> | undefined;
  for (;;) {
    const after = last
      ? afterKey(
          keys,
          info.primaryKey.map((k) => last![k]),
        )
      : undefined;
    const rows: Record<string, unknown>[] = await internalsOf(client).run((db) =>
      db
        .select()
        .from(table)
        .where(after)
        .orderBy(...keys)
        .limit(batchSize),
    );
    if (rows.length > 0) yield rows;
    if (rows.length < batchSize) return;
    last = rows[rows.length - 1];
  }
}

/** (k1, k2, …) > (v1, v2, …) spelled out with OR/AND, which every dialect plans as a range scan. */
function afterKey(keys: PgColumn[], values: unknown[]): SQL | undefined {
  return or(...keys.map((key, i) => and(...keys.slice(0, i).map((k, j) => eq(k, values[j])), gt(key, values[i]))));
}

/** Rows and checksum of one table. */
export interface TableChecksum {
  table: string;
  rows: number;
  /** sha256 (hex) over one canonical JSON line per row, in primary-key order. */
  checksum: string;
}

/** Keys sorted at every depth, so equal JSON values serialise identically whatever the storage order. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

/** Rounds half away from zero at `scale` decimals, as Postgres numeric does, working on the decimal text. */
function roundDecimal(value: number, scale: number): number {
  if (/e/i.test(String(value))) return Number(value.toFixed(scale)) || 0;
  const rounded = Math.round(Number(`${Math.abs(value)}e${scale}`));
  return Math.sign(value) * Number(`${rounded}e-${scale}`) || 0;
}

/** The same JS value whatever the provider: ISO dates, sorted JSON, lower-case uuids, numbers at their scale. */
function canonicalValue(col: PgColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (col.columnType === 'PgJson' || col.columnType === 'PgJsonb') return sortKeys(value);
  if (col.columnType === 'PgUUID' && typeof value === 'string') return value.toLowerCase();
  if (typeof value === 'number') {
    const scale = col.columnType === 'PgNumericNumber' ? (col as { scale?: number }).scale : undefined;
    if (!Number.isFinite(value)) return String(value);
    return scale === undefined ? value || 0 : roundDecimal(value, scale);
  }
  return value;
}

/** A row value as JSON that keeps its type: Date, JSON column value, bigint and non-finite numbers are marked. */
export function encodeValue(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
  if (typeof value === 'object' && value !== null) return { $json: value };
  return value ?? null;
}

/** The inverse of encodeValue; throws on an unknown marker. */
export function decodeValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const [entry, extra] = Object.entries(value);
  if (entry && !extra && !Array.isArray(value)) {
    const [tag, inner] = entry;
    if (tag === '$json') return inner;
    if (tag === '$date' && typeof inner === 'string' && !Number.isNaN(Date.parse(inner))) return new Date(inner);
    if (tag === '$bigint' && typeof inner === 'string' && /^-?\d+$/.test(inner)) return BigInt(inner);
    if (tag === '$number' && ['NaN', 'Infinity', '-Infinity'].includes(String(inner))) return Number(inner);
  }
  throw new Error('a value has an unknown encoding');
}

/** Accumulates the checksum of one table from its rows, fed in primary-key order. */
export class TableHasher {
  private readonly hash = createHash('sha256');
  private readonly columns: [string, PgColumn][];
  rows = 0;

  constructor(readonly info: TableInfo) {
    const declared = getTableColumns(info.declared) as Record<string, PgColumn>;
    this.columns = info.columns.map((k) => [k, declared[k]!]);
  }

  add(row: Record<string, unknown>): void {
    this.hash.update(`${JSON.stringify(this.columns.map(([k, col]) => canonicalValue(col, row[k])))}\n`);
    this.rows++;
  }

  result(): TableChecksum {
    return { table: this.info.name, rows: this.rows, checksum: this.hash.copy().digest('hex') };
  }
}

/** Row count and checksum of every table, read back through Drizzle (comparable across providers). */
export async function tableChecksums(client: DatabaseClient, options: { batchSize?: number } = {}): Promise<TableChecksum[]> {
  const results: TableChecksum[] = [];
  for (const info of SCHEMA_TABLES) {
    const hasher = new TableHasher(info);
    for await (const rows of readRows(client, info, options.batchSize ?? 1000)) rows.forEach((row) => hasher.add(row));
    results.push(hasher.result());
  }
  return results;
}
