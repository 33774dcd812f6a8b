/**
 * Question 3 of db:check: how one live table differs from db/schema.ts, as readable problem lines that
 * name the provider, the table.column or the foreign key, and what differs (what `drizzle-kit push` would change).
 */
import type { CatalogueColumn, CatalogueForeignKey, CatalogueTable, ColumnDefault } from '../dialects/catalogue';

const SCHEMA = 'db/schema.ts';

function describeKey(table: string, fk: CatalogueForeignKey): string {
  return `foreign key ${table}(${fk.columns}) references ${fk.references}`;
}

function foreignKeyProblems(name: string, table: string, expected: CatalogueForeignKey[], actual: CatalogueForeignKey[]): string[] {
  const problems: string[] = [];
  const same = (a: CatalogueForeignKey) => (b: CatalogueForeignKey) => a.columns === b.columns && a.references === b.references;
  for (const want of expected) {
    const live = actual.find(same(want));
    if (!live) {
      problems.push(`${name}: ${describeKey(table, want)} is missing from the database`);
      continue;
    }
    for (const [label, key] of [
      ['on delete', 'onDelete'],
      ['on update', 'onUpdate'],
    ] as const) {
      if (live[key] !== want[key]) problems.push(`${name}: ${describeKey(table, want)}: ${label} is ${live[key]}, ${SCHEMA} says ${want[key]}`);
    }
  }
  for (const live of actual.filter((fk) => !expected.some(same(fk)))) problems.push(`${name}: ${describeKey(table, live)} exists in the database but not in ${SCHEMA}`);
  return problems;
}

/** Tables, columns present, keys, uniques, indexes and checks. */
export function tableProblems(name: string, table: string, expected: CatalogueTable, actual: CatalogueTable): string[] {
  if (Object.keys(actual.columns).length === 0) return [`${name}: table ${table} is missing`];
  const problems: string[] = [];
  for (const column of Object.keys(expected.columns)) {
    if (!actual.columns[column]) problems.push(`${name}: column ${table}.${column} is missing from the database`);
  }
  for (const column of Object.keys(actual.columns)) {
    if (!expected.columns[column]) problems.push(`${name}: column ${table}.${column} exists in the database but not in ${SCHEMA}`);
  }
  if (expected.primaryKey.join(',') !== actual.primaryKey.join(',')) {
    problems.push(`${name}: ${table} primary key is (${actual.primaryKey.join(', ')}), ${SCHEMA} says (${expected.primaryKey.join(', ')})`);
  }
  for (const key of ['indexes', 'uniques', 'checks'] as const) {
    const missing = expected[key].filter((x) => !actual[key].includes(x));
    const extra = actual[key].filter((x) => !expected[key].includes(x));
    if (missing.length) problems.push(`${name}: ${table} lacks ${key} ${missing.join(', ')}`);
    if (extra.length) problems.push(`${name}: ${table} has ${key} not in the schema: ${extra.join(', ')}`);
  }
  return [...problems, ...foreignKeyProblems(name, table, expected.foreignKeys, actual.foreignKeys)];
}

function defaultProblem(where: string, expected: ColumnDefault, actual: ColumnDefault): string | undefined {
  if (expected.present && !actual.present) return `${where} has no default, ${SCHEMA} says ${expected.text ?? 'it has one'}`;
  if (!expected.present && actual.present) return `${where} has default ${actual.text}, ${SCHEMA} declares none`;
  // An expression the database canonicalises (dates, json) is only compared for presence.
  if (expected.present && actual.present && expected.text !== undefined && expected.text !== actual.text) return `${where} default is ${actual.text}, ${SCHEMA} says ${expected.text}`;
  return undefined;
}

/** Type, nullability and default of each column both sides have (missing and extra columns are tableProblems'). */
export function columnProblems(name: string, table: string, expected: Record<string, CatalogueColumn>, actual: Record<string, CatalogueColumn>): string[] {
  const problems: string[] = [];
  for (const [column, want] of Object.entries(expected)) {
    const live = actual[column];
    if (!live) continue;
    const where = `${name}: column ${table}.${column}`;
    if (live.type !== want.type) problems.push(`${where} type is ${live.type}, ${SCHEMA} says ${want.type}`);
    if (live.notNull !== want.notNull) problems.push(`${where} is ${live.notNull ? 'not null' : 'nullable'}, ${SCHEMA} says ${want.notNull ? 'not null' : 'nullable'}`);
    const problem = defaultProblem(where, want.default, live.default);
    if (problem) problems.push(problem);
  }
  return problems;
}
