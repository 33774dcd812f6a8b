/**
 * What `upsert` may target, derived from the table: its primary key, each unique constraint and each unique
 * index. A partial unique index (e.g. `uniqueIndex().on(t.email).where(sql`${t.deletedAt} is null`)`, unique
 * among live rows only) is targeted with its own predicate, which Postgres and SQLite both require to pick it.
 */
import { getTableColumns, type SQL } from 'drizzle-orm';
import { getTableConfig, type PgColumn } from 'drizzle-orm/pg-core';
import { findConstraint } from '../constraints';
import { UniqueViolationError } from '../errors';
import type { TableInfo } from '../tables';

export interface ConflictTarget {
  /** Field names, sorted and joined with ','. */
  fields: string;
  /** The partial index's predicate, rendered by column name so it reads the same on every SQL family. */
  where?: SQL;
}

/** Every set of fields upsert may target, keyed by ConflictTarget.fields. */
export function conflictTargets(info: TableInfo): Map<string, ConflictTarget> {
  const columns = getTableColumns(info.declared) as Record<string, PgColumn>;
  const fieldOf = new Map(Object.entries(columns).map(([field, col]) => [col.name, field]));
  const fieldsOf = (cols: { name: string }[]) => cols.map((c) => fieldOf.get(c.name) ?? '');
  const config = getTableConfig(info.declared);
  const found: ConflictTarget[] = [{ fields: [...info.primaryKey].sort().join(',') }];
  const add = (fields: string[], where?: SQL) => found.push({ fields: [...fields].sort().join(','), where });
  for (const [field, col] of Object.entries(columns)) if (col.isUnique) add([field]);
  for (const u of config.uniqueConstraints) add(fieldsOf(u.columns));
  for (const idx of config.indexes) if (idx.config.unique) add(fieldsOf(idx.config.columns as PgColumn[]), idx.config.where);
  return new Map(found.map((t) => [t.fields, t]));
}

/** upsert met a soft-deleted row holding the key (a full unique constraint or the primary key): say so, and how to go on. */
export function hiddenRowConflict(info: TableInfo, entity: string, fields: string[]): UniqueViolationError {
  const columns = getTableColumns(info.declared) as Record<string, PgColumn>;
  const names = fields.map((f) => columns[f]?.name ?? f);
  const constraint = findConstraint({ table: info.name, columns: names })?.name;
  const where = [`${info.name}.${names.join(',')}`, constraint && `constraint ${constraint}`].filter(Boolean).join(', ');
  return new UniqueViolationError(
    'UNIQUE_VIOLATION',
    `${entity} upsert (${where}): the key belongs to a soft-deleted row, which upsert does not revive; restore it with restore(id) and update it, or make the key unique among live rows only (a partial unique index, see README "Soft delete")`,
    { constraint, field: names.join(',') },
  );
}
