/**
 * SQLite bulk insert: one prepared single-row INSERT, run once per row inside the caller's transaction. On
 * an in-process database a reused statement beats Drizzle's multi-row VALUES builder several times over (no
 * SQL text to build per chunk, no parameter limit to stay under), and it holds no copy of the whole batch.
 * Values are encoded by each column's own mapToDriverValue, exactly as Drizzle would encode them.
 */
import type Database from 'better-sqlite3';
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { AppDatabase } from '../../providers/types';

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Prepared statements per connection and SQL text (the text is built from schema names only). */
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function statementFor(native: Database.Database, text: string): Database.Statement {
  let perConnection = statements.get(native);
  if (!perConnection) statements.set(native, (perConnection = new Map()));
  let statement = perConnection.get(text);
  if (!statement) perConnection.set(text, (statement = native.prepare(text)));
  return statement;
}

/** Inserts `rows` (all with the same `keys`) into `table`. */
export async function sqliteBulkInsert(db: AppDatabase, table: PgTable, keys: string[], rows: Record<string, unknown>[]): Promise<void> {
  // The SQLite handle's Drizzle client (typed over pg for the repositories, see tables.ts) exposes its connection.
  const native = (db as unknown as { $client: Database.Database }).$client;
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  // Columns the rows leave out but Drizzle fills in JavaScript ($defaultFn, $onUpdate) are filled the same way;
  // the others are left to the table's own defaults.
  const generated = Object.keys(columns).filter((k) => !keys.includes(k) && (columns[k]!.defaultFn || columns[k]!.onUpdateFn));
  const fields = [...keys, ...generated];
  const cols = fields.map((k) => columns[k]!);
  const text = `insert into ${quote(getTableName(table))} (${cols.map((c) => quote(c.name)).join(', ')}) values (${cols.map(() => '?').join(', ')})`;
  const statement = statementFor(native, text);
  const args: unknown[] = new Array(cols.length);
  for (const row of rows) {
    for (let i = 0; i < cols.length; i++) {
      const col = cols[i]!;
      const value = i < keys.length ? row[fields[i]!] : (col.defaultFn?.() ?? col.onUpdateFn?.());
      args[i] = value === null || value === undefined ? null : col.mapToDriverValue(value);
    }
    statement.run(args);
  }
}
