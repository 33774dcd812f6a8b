/**
 * Portable snapshots. backupDatabase() streams every table into one gzip file of JSON lines;
 * restoreDatabase() loads it into any provider at the same migration level, in ONE transaction.
 *
 * Format version 2, one JSON value per line:
 *   {"format":"book-catalogue-snapshot","version":2,"schema":"<fingerprint>","tables":["authors",…],"createdAt":"…","provider":"sqlite"}
 *   {"table":"authors","columns":["id","name",…],"rows":63}   a section per table, parents first
 *   [1,"Ursula K. Le Guin",…,{"$date":"…"},null]              one array per row, values in `columns` order
 *   {"end":true,"tables":[{"table":"authors","rows":63,"checksum":"<sha256>"},…]}
 * Row values are JSON, except Date → {"$date":"<ISO>"}, JSON columns → {"$json":…}, bigint → {"$bigint":"…"},
 * non-finite numbers → {"$number":"NaN"}. No end line means the file was cut short. Version 1 files (with
 * `migrationCount` instead of `schema`) are still read; the sections' columns are checked either way.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { z } from 'zod';
import type { DatabaseClient } from '../client';
import { InvalidSnapshotError } from '../errors';
import { SCHEMA_TABLES } from '../tables';
import { assertMatchesSchema } from './compat';
import { batchSizeOf, compareTables, withReadSnapshot, writeTables, type CopyProgress, type TableBatch, type TransferReport } from './copy';
import { countRows, decodeValue, encodeValue, readRows, tableChecksums, TableHasher, type TableChecksum } from './rows';

export const SNAPSHOT_FORMAT = 'book-catalogue-snapshot';
export const SNAPSHOT_VERSION = 2;
const READABLE_VERSIONS: readonly number[] = [1, SNAPSHOT_VERSION];

const headerSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.number().int(),
  /** Fingerprint of the tables and columns of the source (version 2). */
  schema: z.string().optional(),
  /** Version 1 only: how many migrations the source had applied. */
  migrationCount: z.number().int().nonnegative().optional(),
  tables: z.array(z.string()),
  createdAt: z.string(),
  provider: z.string(),
});
/** The first line of a snapshot. */
export type SnapshotHeader = z.infer<typeof headerSchema>;

export interface SnapshotOptions {
  /** Rows per read and per write (default 1000). */
  batchSize?: number;
  onProgress?: (progress: CopyProgress) => void;
  /** Migration folder to check the database against (default drizzle/migrations/<provider>). */
  migrations?: string;
}

export interface BackupReport {
  file: string;
  provider: string;
  /** Fingerprint of the tables and columns the snapshot holds. */
  schema: string;
  bytes: number;
  tables: TableChecksum[];
  ms: number;
}

/** A verified restore, with the header of the snapshot it came from. */
export interface RestoreReport extends TransferReport {
  header: SnapshotHeader;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The file's lines, decompressed as they stream in; stopping early closes the file. */
async function* readLines(file: string): AsyncGenerator<string> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip).setEncoding('utf8');
  let rest = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<string>) {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      yield* parts;
    }
  } catch (error) {
    throw new InvalidSnapshotError(file, '', `is corrupt or cut short (gzip: ${error instanceof Error ? error.message : String(error)})`);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  if (rest) yield rest;
}

/** Opens a snapshot and checks its header; `batches` then streams the rows, checking sections, counts and checksums. */
async function openSnapshot(file: string) {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new InvalidSnapshotError(file, '', `cannot be read (${error.code ?? error.message})`);
  });
  const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0).finally(() => handle.close());
  if (bytesRead < 2 || buffer[0] !== 0x1f || buffer[1] !== 0x8b) throw new InvalidSnapshotError(file, '', 'is not gzip-compressed (db:backup writes .gz files)');
  const lines = readLines(file);
  let lineNo = 0;
  const fail = (problem: string) => new InvalidSnapshotError(file, `line ${lineNo}`, problem);
  const cutShort = () => new InvalidSnapshotError(file, '', 'is cut short: it has no end line');
  /** The next line, parsed; undefined at the end of the file. */
  const next = async (): Promise<unknown> => {
    const line = await lines.next();
    if (line.done) return undefined;
    lineNo++;
    try {
      return JSON.parse(line.value);
    } catch {
      throw fail('is not valid JSON');
    }
  };
  try {
    const raw = await next();
    if (!isRecord(raw) || raw.format !== SNAPSHOT_FORMAT) throw raw === undefined ? new InvalidSnapshotError(file, '', 'is empty') : fail(`is not a ${SNAPSHOT_FORMAT} header`);
    if (!READABLE_VERSIONS.includes(raw.version as number)) throw fail(`has format version ${JSON.stringify(raw.version)}; this version reads versions ${READABLE_VERSIONS.join(' and ')}`);
    const parsed = headerSchema.safeParse(raw);
    if (!parsed.success) throw fail(`the header is malformed (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')})`);
    const names = SCHEMA_TABLES.map((t) => t.name);
    if (parsed.data.tables.join() !== names.join()) throw fail(`lists tables ${parsed.data.tables.join(', ')}; this schema has ${names.join(', ')}`);

    async function* batches(batchSize: number, verified: TableChecksum[]): AsyncGenerator<TableBatch> {
      let line = await next();
      for (const info of SCHEMA_TABLES) {
        if (line === undefined) throw cutShort();
        if (!isRecord(line) || line.table !== info.name) throw fail(`expected the section of table ${info.name}`);
        const columns = Array.isArray(line.columns) ? line.columns.map(String) : [];
        if ([...columns].sort().join() !== [...info.columns].sort().join()) throw fail(`${info.name} has columns ${columns.join(', ')}; this schema has ${info.columns.join(', ')}`);
        const total = Number(line.rows);
        const hasher = new TableHasher(info);
        const rows: Record<string, unknown>[] = [];
        yield { info, rows: [], total };
        while (Array.isArray((line = await next()))) {
          const values: unknown[] = line;
          if (values.length !== columns.length) throw fail(`has ${values.length} values for ${columns.length} columns`);
          try {
            rows.push(Object.fromEntries(columns.map((c, i) => [c, decodeValue(values[i])])));
          } catch (error) {
            throw fail((error as Error).message);
          }
          hasher.add(rows[rows.length - 1]!);
          if (rows.length === batchSize) yield { info, rows: rows.splice(0), total };
        }
        yield { info, rows, total };
        if (hasher.rows !== total) throw fail(`${info.name} has ${hasher.rows} rows; its section says ${total}`);
        verified.push(hasher.result());
      }
      if (line === undefined) throw cutShort();
      if (!isRecord(line) || line.end !== true) throw fail('is not the end line');
      if (JSON.stringify(line.tables) !== JSON.stringify(verified)) throw fail('row counts or checksums do not match the rows (the file is corrupt)');
      if ((await next()) !== undefined) throw fail('comes after the end line');
    }
    return { header: parsed.data, batches, close: async () => void (await lines.return(undefined)) };
  } catch (error) {
    await lines.return(undefined);
    throw error;
  }
}

/** Reads a whole snapshot and checks structure, counts and checksums, without touching any database. */
export async function verifySnapshot(file: string): Promise<{ header: SnapshotHeader; tables: TableChecksum[] }> {
  const snapshot = await openSnapshot(file);
  try {
    const tables: TableChecksum[] = [];
    for await (const batch of snapshot.batches(1000, tables)) void batch;
    return { header: snapshot.header, tables };
  } finally {
    await snapshot.close();
  }
}

/**
 * Writes every row of every table of `client` (soft-deleted too, one consistent snapshot) to `out`, gzip-compressed.
 * The file appears only once complete and read back; a failed backup leaves nothing at `out`.
 */
export async function backupDatabase(client: DatabaseClient, options: SnapshotOptions & { out: string }): Promise<BackupReport> {
  const batchSize = batchSizeOf(options.batchSize);
  const started = Date.now();
  const schema = await assertMatchesSchema('source', client, options.migrations);
  mkdirSync(dirname(options.out), { recursive: true });
  const partial = `${options.out}.partial`;
  const gzip = createGzip();
  const written = pipeline(gzip, createWriteStream(partial));
  written.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
  const write = async (values: unknown[]) => {
    if (!gzip.write(values.map((v) => `${JSON.stringify(v)}\n`).join(''))) await once(gzip, 'drain');
  };
  try {
    const tables = await withReadSnapshot(client, async (snap) => {
      const header: SnapshotHeader = {
        format: SNAPSHOT_FORMAT,
        version: SNAPSHOT_VERSION,
        schema,
        tables: SCHEMA_TABLES.map((t) => t.name),
        createdAt: new Date().toISOString(),
        provider: client.provider,
      };
      await write([header]);
      const sums: TableChecksum[] = [];
      for (const info of SCHEMA_TABLES) {
        const total = await countRows(snap, info);
        const hasher = new TableHasher(info);
        await write([{ table: info.name, columns: info.columns, rows: total }]);
        options.onProgress?.({ table: info.name, done: 0, total });
        for await (const rows of readRows(snap, info, batchSize)) {
          rows.forEach((row) => hasher.add(row));
          await write(rows.map((row) => info.columns.map((c) => encodeValue(row[c]))));
          options.onProgress?.({ table: info.name, done: hasher.rows, total });
        }
        sums.push(hasher.result());
      }
      await write([{ end: true, tables: sums }]);
      return sums;
    });
    gzip.end();
    await written;
    await verifySnapshot(partial);
    renameSync(partial, options.out);
    return { file: options.out, provider: client.provider, schema, bytes: statSync(options.out).size, tables, ms: Date.now() - started };
  } catch (error) {
    gzip.destroy();
    await written.catch(() => undefined);
    rmSync(partial, { force: true });
    throw error;
  }
}

/**
 * Loads the snapshot `file` into `client` in ONE transaction (parents first, identity sequences continued),
 * then compares the target's counts and checksums with the snapshot's. A bad file leaves the target as it was.
 */
export async function restoreDatabase(client: DatabaseClient, file: string, options: SnapshotOptions & { truncate?: boolean } = {}): Promise<RestoreReport> {
  const batchSize = batchSizeOf(options.batchSize);
  const started = Date.now();
  const snapshot = await openSnapshot(file);
  try {
    await assertMatchesSchema('target', client, options.migrations);
    const verified: TableChecksum[] = [];
    await writeTables(client, snapshot.batches(batchSize, verified), options);
    return { ...compareTables(verified, await tableChecksums(client, { batchSize }), started), header: snapshot.header };
  } finally {
    await snapshot.close();
  }
}
