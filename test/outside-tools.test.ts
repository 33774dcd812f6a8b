/**
 * Rows written into the SQLite file by other tools get the same defaults as rows written through the
 * library. Python's sqlite3 module (often an older SQLite than better-sqlite3's, e.g. 3.40 on Debian 12)
 * inserts one row into every table of db/schema.ts giving only the columns that are required and have no
 * default; the repositories read them back in the same shape as rows they created themselves.
 */
import { spawnSync } from 'node:child_process';
import { getTableColumns, is, SQL } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../db';
import { isNowDefault, isRandomUuidDefault, plainSqlText } from '../db/dialects/defaults';
import { SCHEMA_TABLES, type TableKey } from '../db/tables';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A value from an earlier row: `table.column` of the row inserted into `table`. */
type Ref = { table: string; column: string };
type PlanValue = string | number | Ref;

/** Inserts `plan.tables` in order (parents first), fills references from the rows it inserted, prints them. */
const PYTHON = `
import json, sqlite3, sys
plan = json.load(sys.stdin)
con = sqlite3.connect(plan["file"])
con.row_factory = sqlite3.Row
con.execute("pragma foreign_keys = on")
rows = {}
for table in plan["tables"]:
    values = {c: rows[v["table"]][v["column"]] if isinstance(v, dict) else v for c, v in table["values"].items()}
    names = ", ".join('"%s"' % c for c in values)
    marks = ", ".join("?" for _ in values)
    sql = 'insert into "%s" (%s) values (%s)' % (table["name"], names, marks) if values else 'insert into "%s" default values' % table["name"]
    con.execute(sql, list(values.values()))
    rows[table["name"]] = dict(con.execute('select * from "%s" where rowid = last_insert_rowid()' % table["name"]).fetchone())
con.commit()
print(json.dumps({"sqlite": sqlite3.sqlite_version, "rows": rows}))
`;

/** Columns a writer must give: NOT NULL, with no default of any kind. */
function required(col: PgColumn): boolean {
  return col.notNull && col.default === undefined && !col.defaultFn && !col.generatedIdentity;
}

/** A plain value a column of this type accepts (the test names what it cannot fill). */
function sampleValue(table: string, col: PgColumn, salt: string): string | number {
  if (col.enumValues?.length) return col.enumValues[0]!;
  switch (col.columnType) {
    case 'PgText':
    case 'PgVarchar':
    case 'PgChar':
      // Shaped like an e-mail address, which every text column accepts (some are validated as one).
      return `${salt}.${table}.${col.name}@example.com`;
    case 'PgInteger':
    case 'PgSmallInt':
    case 'PgBigInt53':
    case 'PgBoolean':
    case 'PgNumericNumber':
    case 'PgDoublePrecision':
    case 'PgReal':
      return 1;
    default:
      throw new Error(`${table}.${col.name}: no sample value for ${col.columnType}; extend sampleValue`);
  }
}

/** The required values of each table, by SQL column name; foreign keys point at the parent's row. */
function insertPlan(salt: string): { name: string; values: Record<string, PlanValue> }[] {
  return SCHEMA_TABLES.map((info) => {
    const config = getTableConfig(info.declared);
    const refs = new Map<string, Ref>();
    for (const fk of config.foreignKeys) {
      const { columns, foreignColumns, foreignTable } = fk.reference();
      columns.forEach((c, i) => refs.set(c.name, { table: getTableConfig(foreignTable).name, column: foreignColumns[i]!.name }));
    }
    const values = Object.fromEntries(config.columns.filter(required).map((c) => [c.name, refs.get(c.name) ?? sampleValue(config.name, c, salt)]));
    return { name: config.name, values };
  });
}

/** What kind of value a field holds, as a row's reader sees it. */
const kind = (value: unknown) => (value === null ? 'null' : value instanceof Date ? 'Date' : typeof value);

/** SQL column name → field (JS key) of a table. */
const fieldsOf = (table: PgTable) => new Map(Object.entries(getTableColumns(table)).map(([field, col]) => [col.name, field]));

type Repo = { create(data: unknown): Promise<Record<string, unknown>>; findById(id: unknown): Promise<Record<string, unknown> | null> };

const sqliteTargets = selectedTargets().filter((t) => t.capabilities.family === 'sqlite');

describe.runIf(sqliteTargets.length > 0)('rows inserted by outside tools', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(sqliteTargets[0]!);
  });
  afterAll(() => t.cleanup());

  it("Python's sqlite3 inserts into every table giving only the required columns; the rows read back like library rows", async () => {
    const started = Date.now();
    const plan = { file: t.directOverrides.url, tables: insertPlan('outside') };
    const python = spawnSync('python3', ['-c', PYTHON], { input: JSON.stringify(plan), encoding: 'utf8', timeout: 30_000 });
    expect(python.status, python.stderr || python.error?.message).toBe(0);
    const outside = JSON.parse(python.stdout) as { sqlite: string; rows: Record<string, Record<string, unknown>> };

    // Generic over the tables: each repository is used through the create/findById every repository has.
    const repos = createRepositories(t.client) as unknown as Record<TableKey, Repo>;
    const library = new Map<string, Record<string, unknown>>(); // rows the library created, by SQL column name
    const planned = new Map(insertPlan('library').map((p) => [p.name, p.values]));
    for (const info of SCHEMA_TABLES) {
      const fields = fieldsOf(info.declared);
      // The same required values through the library, foreign keys pointing at the library's own parent rows.
      const data = Object.fromEntries(Object.entries(planned.get(info.name)!).map(([name, value]) => [fields.get(name)!, typeof value === 'object' ? library.get(value.table)![value.column] : value]));
      const created = await repos[info.key].create(data);
      library.set(info.name, Object.fromEntries([...fields].map(([name, field]) => [name, created[field]])));

      const written = outside.rows[info.name]!;
      const columnOf = (field: string) => getTableColumns(info.declared)[field]!.name;
      const id = info.primaryKey.length === 1 ? written[columnOf(info.primaryKey[0]!)] : Object.fromEntries(info.primaryKey.map((f) => [f, written[columnOf(f)]]));
      const read = await repos[info.key].findById(id);
      expect(read, `${info.name}: the row Python (SQLite ${outside.sqlite}) wrote`).not.toBeNull();
      for (const col of getTableConfig(info.declared).columns) {
        const field = fields.get(col.name)!;
        const where = `${info.name}.${col.name} (written by SQLite ${outside.sqlite})`;
        expect(kind(read![field]), where).toBe(kind(created[field]));
        const text = is(col.default, SQL) ? plainSqlText(col.default) : undefined;
        if (isNowDefault(text)) expect(Math.abs((read![field] as Date).getTime() - started), where).toBeLessThan(60_000);
        if (isRandomUuidDefault(text)) expect(read![field], where).toMatch(UUID_V4);
      }
    }
  });
});
