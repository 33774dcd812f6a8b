/**
 * copyDatabase(): every row of every table (soft-deleted ones too) from one handle to another, whatever
 * the two providers, as long as both are at the same migration level. The source is read from one
 * consistent snapshot; the target is written in ONE transaction, so a failure or a killed process leaves
 * it as it was. Afterwards both sides are read back and compared by row count and checksum.
 */
import { sql } from 'drizzle-orm';
import type { DatabaseClient } from './client';
import { bulkInsert } from './dialects/bulk';
import { dialectOf } from './dialects';
import { MigrationError, ValidationError } from './errors';
import { getMigrationStatus } from './migrate';
import { countRows, readRows, SCHEMA_TABLES, tableChecksums, tableOf, type TableChecksum, type TableInfo } from './table-order';

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

/** The target has rows and truncate was not set; nothing was written. `tables` lists the tables with rows. */
export class TargetNotEmptyError extends ValidationError {
  constructor(readonly tables: string[], provider: string) {
    super(`${provider} target`, tables.map((path) => ({ path, message: 'has rows' })), 'TARGET_NOT_EMPTY');
    this.message = `The target (${provider}) is not empty: ${tables.join(', ')} ${tables.length === 1 ? 'has' : 'have'} rows. Nothing was written; use --truncate (truncate: true) to replace its contents`;
  }
}

/** A database's migration level, for comparing two sides. */
export interface MigrationLevel {
  role: string;
  provider: string;
  applied: number;
  /** What to do when this side is the one behind. */
  fix: string;
}

/** The number of applied migrations; MigrationError when any is pending or the history does not match. */
export async function migrationLevel(role: string, client: DatabaseClient): Promise<MigrationLevel> {
  const status = await getMigrationStatus(client);
  const p = client.provider;
  if (status.modified.length + status.unknown.length > 0) {
    throw new MigrationError(`The ${role} (${p}) has a migration history that does not match drizzle/migrations/${p}: see npm run db:status ${p}`);
  }
  if (status.pending.length > 0) {
    throw new MigrationError(`The ${role} (${p}) is behind: ${status.pending.length} pending migration(s); run npm run db:migrate:${p} first`);
  }
  const fix = `its migration folder lacks migrations: run npm run db:generate:${p}, then npm run db:migrate:${p}`;
  return { role, provider: p, applied: status.applied.length, fix };
}

/** Throws MigrationError naming the side that is behind unless both applied the same number of migrations. */
export function assertSameLevel(a: MigrationLevel, b: MigrationLevel): void {
  if (a.applied === b.applied) return;
  const [behind, ahead] = a.applied < b.applied ? [a, b] : [b, a];
  throw new MigrationError(
    `The ${behind.role} (${behind.provider}) has ${behind.applied} applied migration(s) and the ${ahead.role} (${ahead.provider}) ${ahead.applied}: ` +
      `the ${behind.role} is behind (${behind.fix})`,
  );
}

/** Runs `fn` on one consistent view: a repeatable-read, read-only transaction on Postgres; on SQLite a transaction (writers wait). */
export function withReadSnapshot<T>(client: DatabaseClient, fn: (snapshot: DatabaseClient) => Promise<T>): Promise<T> {
  return client.transaction(async (tx) => {
    if (!client.inTransaction) await dialectOf(tx.capabilities.family).readSnapshot(tx);
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
    if (options.truncate) {
      for (const info of [...SCHEMA_TABLES].reverse()) await tx.db.delete(tableOf(tx, info));
    } else {
      const busy: string[] = [];
      for (const info of SCHEMA_TABLES) if ((await tx.db.select({ one: sql`1` }).from(tableOf(tx, info)).limit(1)).length) busy.push(info.name);
      if (busy.length > 0) throw new TargetNotEmptyError(busy, tx.provider);
    }
    const done = new Map<string, number>();
    for await (const { info, rows, total } of batches) {
      await bulkInsert(tx.capabilities.family, tx.db, tableOf(tx, info), rows);
      done.set(info.name, (done.get(info.name) ?? 0) + rows.length);
      options.onProgress?.({ table: info.name, done: done.get(info.name)!, total });
    }
    await continueIdentities(tx);
  });
}

/** New rows get ids after the highest copied one (Postgres identity sequences, SQLite AUTOINCREMENT). */
async function continueIdentities(tx: DatabaseClient): Promise<void> {
  const dialect = dialectOf(tx.capabilities.family);
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
  assertSameLevel(await migrationLevel('source', from), await migrationLevel('target', to));
  const source = await withReadSnapshot(from, async (src) => {
    await writeTables(to, sourceBatches(src, batchSize), options);
    // Same snapshot as the rows copied, so a concurrent writer on the source cannot cause a false mismatch.
    return tableChecksums(src, { batchSize });
  });
  return compareTables(source, await tableChecksums(to, { batchSize }), started);
}
