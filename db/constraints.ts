/**
 * The named constraints of db/schema.ts (primary keys, uniques, foreign keys, checks) with their tables and
 * columns, so a typed error can name both the constraint and the column whatever the driver said: Postgres
 * names the constraint, SQLite names `table.column`.
 */
import { getTableConfig, type PgColumn } from 'drizzle-orm/pg-core';
import { SCHEMA_TABLES } from './tables';

export interface ConstraintInfo {
  name: string;
  table: string;
  /** SQL column names, in declaration order. */
  columns: string[];
}

let cached: ConstraintInfo[] | undefined;

/** Every named constraint of the schema (built once). */
export function schemaConstraints(): ConstraintInfo[] {
  if (cached) return cached;
  const out: ConstraintInfo[] = [];
  for (const { declared } of SCHEMA_TABLES) {
    const c = getTableConfig(declared);
    const names = (cols: { name: string }[]) => cols.map((col) => col.name);
    const pk = c.columns.filter((col) => col.primary);
    if (pk.length === 1) out.push({ name: `${c.name}_pkey`, table: c.name, columns: names(pk) });
    for (const p of c.primaryKeys) out.push({ name: p.getName(), table: c.name, columns: names(p.columns) });
    for (const col of c.columns) if (col.isUnique) out.push({ name: col.uniqueName ?? `${c.name}_${col.name}_unique`, table: c.name, columns: [col.name] });
    for (const u of c.uniqueConstraints) out.push({ name: u.getName() ?? `${c.name}_${names(u.columns).join('_')}_unique`, table: c.name, columns: names(u.columns) });
    for (const i of c.indexes) if (i.config.unique && i.config.name) out.push({ name: i.config.name, table: c.name, columns: names(i.config.columns as PgColumn[]) });
    for (const fk of c.foreignKeys) out.push({ name: fk.getName(), table: c.name, columns: names(fk.reference().columns) });
  }
  cached = out;
  return out;
}

/** The constraint named `name`, or the one on exactly `columns` of `table`. */
export function findConstraint(by: { name?: string; table?: string; columns?: string[] }): ConstraintInfo | undefined {
  const all = schemaConstraints();
  if (by.name) return all.find((c) => c.name === by.name);
  if (!by.table || !by.columns?.length) return undefined;
  const wanted = [...by.columns].sort().join(',');
  return all.find((c) => c.table === by.table && [...c.columns].sort().join(',') === wanted);
}
