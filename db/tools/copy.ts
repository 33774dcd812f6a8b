/**
 * copyDatabase(): every row of every table (soft-deleted ones too) from one handle to another, whatever
 * the two providers, as long as both hold the schema of db/schema.ts (db/tools/compat.ts). The source is read from one
 * consistent snapshot; the target is written in ONE transaction, so a failure or a killed process leaves
 * it as it was. Afterwards both sides are read back and compared by row count and checksum.
 */
import { sql } from 'drizzle-orm';
import type { DatabaseClient } from '../client';
import { bulkInsert } from '../dialects';
import { TargetNotEmptyError, ValidationError } from '../errors';
import { internalsOf } from '../internals';
import { SCHEMA_TABLES, type TableInfo } from '../tables';
import { assertMatchesSchema } from './compat';
import { countRows, readRows, tableChecksums, tableOf, type TableChecksum } from './rows';

export const DEFAULT_BATCH_SIZE = 1000;

/** Rows written so far to one table of the target, out of the rows it will get. */
export interface CopyProgress {
  table: string;
  done: number;
  total: number;
}

export interface CopyOptions {
  from: DatabaseClient;
  to: DatabaseClient;
  /** Delete the target's rows first, in the same transaction. Default: refuse a target that has rows. */
  truncate?: boolean;
  /** Rows per read and per write (default 1000). */
  batchSize?: number;
  onProgress?: (progress: CopyProgress) => void;
  /** Migration folders to check each side against (default drizzle/migrations/<provider>). */
  migrations?: { from?: string; to?: string };
}

/** One table compared on both sides. */
export interface TableComparison {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string;
  targetChecksum: string;
  match: boolean;
}

/** What a copy or restore wrote, verified: `ok` is false when any count or checksum differs. */
export interface TransferReport {
  ok: boolean;
  tables: TableComparison[];
  ms: number;
}

/** Runs `fn` on one consistent view: a repeatable-read, read-only transaction on Postgres; on SQLite a transaction (writers wait). */
export function withReadSnapshot<T>(client: DatabaseClient, fn: (snapshot: DatabaseClient) => Promise<T>): Promise<T> {
  return client.transaction(async (tx) => {
    if (!client.inTransaction) await internalsOf(tx).dialect.readSnapshot(tx);
    return fn(tx);
  });
}

/** Rows for one table, with the table's total for progress. Tables come parents first. */
export interface TableBatch {
  info: TableInfo;
  rows: Record<string, unknown>[];
  total: number;
}

/** Writes `batches` into `to` in ONE transaction: empty check (or delete, children first), inserts, identity sequences. */
export async function writeTables(to: DatabaseClient, batches: AsyncIterable<TableBatch>, options: Pick<CopyOptions, 'truncate' | 'onProgress'>): Promise<void> {
  await to.transaction(async (tx) => {
    const { db, dialect } = internalsOf(tx);
    if (options.truncate) {
      for (const info of [...SCHEMA_TABLES].reverse()) await db.delete(tableOf(tx, info));
    } else {
      const busy: string[] = [];
      for (const info of SCHEMA_TABLES) if ((await db.select({ one: sql`1` }).from(tableOf(tx, info)).limit(1)).length) busy.push(info.name);
      if (busy.length > 0) throw new TargetNotEmptyError(busy, tx.provider);
    }
    const done = new Map<string, number>();
    for await (const { info, rows, total } of batches) {
      await bulkInsert(dialect, db, tableOf(tx, info), rows);
      done.set(info.name, (done.get(info.name) ?? 0) + rows.length);
      options.onProgress?.({ table: info.name, done: done.get(info.name)!, total });
    }
    await continueIdentities(tx);
  });
}

/** New rows get ids after the highest copied one (Postgres identity sequences, SQLite AUTOINCREMENT). */
async function continueIdentities(tx: DatabaseClient): Promise<void> {
  const { dialect } = internalsOf(tx);
  for (const info of SCHEMA_TABLES) {
    if (info.identity) await dialect.continueIdentity(tx, tableOf(tx, info), info.name, info.identity);
  }
}

async function* sourceBatches(src: DatabaseClient, batchSize: number): AsyncGenerator<TableBatch> {
  for (const info of SCHEMA_TABLES) {
    const total = await countRows(src, info);
    yield { info, rows: [], total };
    for await (const rows of readRows(src, info, batchSize)) yield { info, rows, total };
  }
}

/** Validates a batch size option (a positive integer). */
export function batchSizeOf(value: number | undefined): number {
  const size = value ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(size) || size < 1) throw new ValidationError('options', [{ path: 'batchSize', message: 'must be a positive integer' }]);
  return size;
}

/** Pairs the checksums of both sides, table by table. */
export function compareTables(source: TableChecksum[], target: TableChecksum[], started: number): TransferReport {
  const tables = source.map((s) => {
    const t = target.find((x) => x.table === s.table);
    const match = t !== undefined && t.rows === s.rows && t.checksum === s.checksum;
    return { table: s.table, sourceRows: s.rows, targetRows: t?.rows ?? 0, sourceChecksum: s.checksum, targetChecksum: t?.checksum ?? '', match };
  });
  return { ok: tables.every((t) => t.match) && source.length === target.length, tables, ms: Date.now() - started };
}

/**
 * Copies every row of `from` into `to` (see the file comment); returns the verified counts and checksums.
 *
 * @example const report = await copyDatabase({ from: sqlite, to: neon, truncate: true });
 */
export async function copyDatabase(options: CopyOptions): Promise<TransferReport> {
  const { from, to } = options;
  const batchSize = batchSizeOf(options.batchSize);
  if (from.target === to.target) throw new ValidationError('copy', [{ path: 'to', message: 'is the same database as from' }]);
  const started = Date.now();
  await assertMatchesSchema('source', from, options.migrations?.from);
  await assertMatchesSchema('target', to, options.migrations?.to);
  const source = await withReadSnapshot(from, async (src) => {
    await writeTables(to, sourceBatches(src, batchSize), options);
    // Same snapshot as the rows copied, so a concurrent writer on the source cannot cause a false mismatch.
    return tableChecksums(src, { batchSize });
  });
  return compareTables(source, await tableChecksums(to, { batchSize }), started);
}
