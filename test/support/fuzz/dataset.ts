/**
 * A deterministic dataset for EVERY table of db/schema.ts, derived from the declared columns (types,
 * nullability, enums, primary and foreign keys, unique columns) and written below the repositories, so
 * ids, timestamps and soft-delete marks are the same on every target. Values the repository's validators
 * refuse (a check the schema mirrors, an email rule) are replaced by tame ones, so no knowledge of the
 * example's tables is needed.
 */
import { getTableColumns } from 'drizzle-orm';
import { getTableConfig, type PgColumn } from 'drizzle-orm/pg-core';
import { SCHEMA_TABLES, type DatabaseClient, type TableInfo, type TableKey } from '../../../db';
import { bulkInsert } from '../../../db/dialects';
import { validatorsFor } from '../../../db/repositories/validation';
import { portable } from '../portable';
import { createRandom, randomUuid, type Random } from './random';
import { dateInYear, PORTABLE_TEXT } from './values';

export type Row = Record<string, unknown>;
export type Dataset = ReadonlyMap<TableKey, readonly Row[]>;

const ROWS_PER_TABLE = 36;
const INTEGERS = ['PgInteger', 'PgSmallInt', 'PgSerial', 'PgBigInt53'];
const NUMBERS = [...INTEGERS, 'PgDoublePrecision', 'PgReal', 'PgNumericNumber'];
const TEXTS = ['PgText', 'PgVarchar', 'PgChar'];

export const declaredColumns = (info: TableInfo) => getTableColumns(info.declared) as Record<string, PgColumn>;

/** Single-column foreign keys of `info`: field → the parent's table key and field. */
function foreignKeys(info: TableInfo): Map<string, { parent: TableKey; field: string }> {
  const out = new Map<string, { parent: TableKey; field: string }>();
  const fieldOf = (t: TableInfo, name: string) => Object.entries(declaredColumns(t)).find(([, c]) => c.name === name)?.[0];
  for (const fk of getTableConfig(info.declared).foreignKeys) {
    const ref = fk.reference();
    const parent = SCHEMA_TABLES.find((t) => t.declared === ref.foreignTable);
    if (!parent || ref.columns.length !== 1) continue;
    const field = fieldOf(info, ref.columns[0]!.name);
    const parentField = fieldOf(parent, ref.foreignColumns[0]!.name);
    if (field && parentField) out.set(field, { parent: parent.key, field: parentField });
  }
  return out;
}

/** Field sets that must be unique: the key, unique columns, unique constraints and unique indexes (partial ones too, conservatively). */
function uniqueSets(info: TableInfo): string[][] {
  const columns = declaredColumns(info);
  const fieldOf = new Map(Object.entries(columns).map(([field, col]) => [col.name, field]));
  const config = getTableConfig(info.declared);
  const named = (cols: { name?: string }[]) => cols.map((c) => fieldOf.get(c.name ?? '') ?? '');
  return [
    info.primaryKey,
    ...Object.keys(columns)
      .filter((k) => columns[k]!.isUnique)
      .map((k) => [k]),
    ...config.uniqueConstraints.map((u) => named(u.columns)),
    ...config.indexes.filter((i) => i.config.unique).map((i) => named(i.config.columns as { name?: string }[])),
  ];
}

/** Timestamps shared by many rows, so sorting and cursors meet ties; two extremes inside every provider's range. */
function timestampPool(rand: Random): Date[] {
  const pool = Array.from({ length: 8 }, () => new Date(Date.UTC(2001, 0, 1) + rand.int(0, 30 * 365) * 86_400_000 + rand.int(0, 86_399_999)));
  return [...pool, dateInYear(100, 123), dateInYear(9999, 456)];
}

function wildValue(rand: Random, col: PgColumn, i: number, times: Date[], unique: boolean): unknown {
  if (!col.notNull && rand.chance(col.columnType === 'PgTimestamp' ? 0.6 : 0.2)) return null;
  if (col.enumValues?.length) return rand.pick(col.enumValues);
  if (TEXTS.includes(col.columnType)) return unique ? `${rand.pick(PORTABLE_TEXT)} #${i}` : rand.pick(PORTABLE_TEXT);
  if (INTEGERS.includes(col.columnType)) return rand.chance(0.6) ? rand.int(1, 5) : rand.int(-3000, 3000);
  switch (col.columnType) {
    case 'PgUUID':
      return randomUuid(rand);
    case 'PgDoublePrecision':
    case 'PgReal':
      // Quarters are exact in binary, so sums and averages agree to the last bit on every engine.
      return rand.chance(0.7) ? rand.int(0, 20) / 4 : rand.int(-4000, 4000) / 4;
    case 'PgNumericNumber':
      return rand.int(0, 100_000) / 100;
    case 'PgBoolean':
      return rand.chance(0.5);
    case 'PgTimestamp':
      return rand.pick(times);
    case 'PgJson':
    case 'PgJsonb':
      return { n: rand.int(-5, 5), s: rand.pick(PORTABLE_TEXT) };
    default:
      throw new Error(`the fuzz dataset has no generator for ${col.columnType}`);
  }
}

function tameValue(col: PgColumn, field: string, i: number): unknown {
  if (col.enumValues?.length) return col.enumValues[i % col.enumValues.length];
  if (TEXTS.includes(col.columnType)) return `tame${i}.${field.toLowerCase()}@example.com`;
  if (NUMBERS.includes(col.columnType)) return (i % 5) + 1;
  return col.notNull ? undefined : null;
}

/** Rows for `info`: wild values first, tame ones where the table's validator refuses them; duplicate keys dropped. */
function tableRows(rand: Random, info: TableInfo, made: Map<TableKey, Row[]>, times: Date[]): Row[] {
  const columns = declaredColumns(info);
  const fks = foreignKeys(info);
  const insert = validatorsFor(info).insert;
  // deletedAt is not insertable through the repository (soft delete sets it); the dataset writes it directly.
  const problems = (row: Row) => insert.safeParse(Object.fromEntries(Object.entries(row).filter(([k]) => k !== 'deletedAt'))).error?.issues ?? [];
  const rows: Row[] = [];
  const seen = new Map<string, Set<string>>();
  const uniques = uniqueSets(info);
  const uniqueFields = new Set(uniques.filter((u) => u.length === 1).flat());
  for (let i = 0; i < ROWS_PER_TABLE; i++) {
    const row: Row = {};
    for (const [field, col] of Object.entries(columns)) {
      const fk = fks.get(field);
      if (info.identity === col.name) row[field] = i + 1;
      else if (fk) row[field] = !col.notNull && rand.chance(0.15) ? null : rand.pick(made.get(fk.parent)!)[fk.field];
      else row[field] = wildValue(rand, col, i, times, uniqueFields.has(field));
    }
    for (const issue of problems(row)) row[String(issue.path[0])] = tameValue(columns[String(issue.path[0])]!, String(issue.path[0]), i);
    if (problems(row).length > 0) throw new Error(`fuzz dataset: no valid row for ${info.name} (row ${i})`);
    const keys = uniques.map((fields) => (fields.some((f) => row[f] === null) ? null : JSON.stringify(fields.map((f) => row[f]))));
    if (keys.some((k, u) => k !== null && seen.get(String(u))?.has(k))) continue;
    keys.forEach((k, u) => k !== null && seen.set(String(u), (seen.get(String(u)) ?? new Set()).add(k)));
    rows.push(row);
  }
  return rows;
}

/** The dataset for `seed` (pure: the same seed gives the same rows). */
export function planDataset(seed: number): Dataset {
  const rand = createRandom(seed);
  const times = timestampPool(rand);
  const made = new Map<TableKey, Row[]>();
  for (const info of SCHEMA_TABLES) made.set(info.key, tableRows(rand, info, made, times));
  return made;
}

/** Writes `dataset` in one transaction, parents first, exactly as planned (ids and timestamps included). */
export async function writeDataset(client: DatabaseClient, dataset: Dataset): Promise<void> {
  await client.transaction(async (tx) => {
    const { db, tables, dialect } = portable(tx);
    for (const info of SCHEMA_TABLES) await bulkInsert(dialect, db, tables[info.key], [...dataset.get(info.key)!]);
  });
}
