/**
 * SQLite says only "FOREIGN KEY constraint failed", where PostgreSQL names the constraint. To give the typed
 * error the same `constraint` and `field` on every provider, the failed statement is run once more inside a
 * savepoint with foreign keys deferred, `PRAGMA foreign_key_check` names the broken key, and the savepoint is
 * rolled back, so nothing of it stays. An ON DELETE RESTRICT key fires even when deferred; it is named from the
 * schema when it is the only restricting key pointing at the statement's table.
 */
import type Database from 'better-sqlite3';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { findConstraint } from '../../constraints';
import { SCHEMA_TABLES } from '../../tables';

interface FailedQuery {
  source: string;
  args: unknown[];
  driver: { code: string; message: string } & Record<string, unknown>;
}

/** The statement and arguments each failed SQLite call ran, by its error; a WeakMap so no value rides on an error. */
const failures = new WeakMap<object, { source: string; args: unknown[] }>();

/**
 * Makes every statement `native` prepares remember, on failure, what it ran (better-sqlite3's errors do not
 * say, and Drizzle does not wrap them). One try/catch per call; nothing is kept on success.
 */
export function rememberFailedStatements(native: Database.Database): void {
  const prepare = native.prepare.bind(native);
  native.prepare = ((source: string) => {
    const statement = prepare(source);
    for (const method of ['run', 'get', 'all', 'iterate'] as const) {
      const call = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      Object.defineProperty(statement, method, {
        value: (...args: unknown[]) => {
          try {
            return call(...args);
          } catch (error) {
            if (typeof error === 'object' && error !== null) failures.set(error, { source, args });
            throw error;
          }
        },
      });
    }
    return statement;
  }) as typeof native.prepare;
}

/** The SQLite foreign key error in `error`'s cause chain, with the statement that raised it. */
function failedForeignKey(error: unknown): FailedQuery | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const driver = current as FailedQuery['driver'];
    const ran = failures.get(current);
    const isForeignKey = driver.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || (driver.code === 'SQLITE_CONSTRAINT_TRIGGER' && /FOREIGN KEY/i.test(driver.message));
    if (ran && isForeignKey) return { ...ran, driver };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The key foreign_key_check reports after the statement runs with deferred foreign keys, if it can run so. */
function checkedKey(native: Database.Database, failed: FailedQuery): { table: string; columns: string[] } | undefined {
  native.exec('SAVEPOINT fk_explain');
  const deferred = native.pragma('defer_foreign_keys', { simple: true });
  try {
    native.pragma('defer_foreign_keys = ON');
    const statement = native.prepare(failed.source);
    if (statement.reader) statement.all(...failed.args);
    else statement.run(...failed.args);
    const [broken] = native.pragma('foreign_key_check') as { table: string; fkid: number }[];
    if (!broken) return undefined;
    const keys = native.pragma(`foreign_key_list("${broken.table.replace(/"/g, '""')}")`) as { id: number; from: string }[];
    return { table: broken.table, columns: keys.filter((k) => k.id === broken.fkid).map((k) => k.from) };
  } catch {
    return undefined; // RESTRICT fired again: answered from the schema below
  } finally {
    native.exec('ROLLBACK TO fk_explain');
    native.exec('RELEASE fk_explain');
    native.pragma(`defer_foreign_keys = ${deferred ? 'ON' : 'OFF'}`);
  }
}

/** The one restricting key of the schema pointing at the table a DELETE or UPDATE statement names. */
function restrictingKey(query: string): { table: string; columns: string[] } | undefined {
  const target = /^\s*(?:delete\s+from|update)\s+"([^"]+)"/i.exec(query)?.[1];
  const found = SCHEMA_TABLES.flatMap(({ declared }) => {
    const config = getTableConfig(declared);
    return config.foreignKeys
      .filter((fk) => fk.onDelete === 'restrict' || fk.onUpdate === 'restrict')
      .map((fk) => fk.reference())
      .filter((ref) => getTableConfig(ref.foreignTable).name === target)
      .map((ref) => ({ table: config.name, columns: ref.columns.map((c) => c.name) }));
  });
  return found.length === 1 ? found[0] : undefined;
}

/**
 * Names the constraint and table of a foreign key failure on `native` by setting `constraint` and `table` on
 * the driver error, where toDbError reads them (as it reads PostgreSQL's fields). Other errors are untouched.
 */
export function explainForeignKeyError(native: Database.Database, error: unknown): void {
  const failed = failedForeignKey(error);
  if (!failed) return;
  const key = checkedKey(native, failed) ?? restrictingKey(failed.source);
  const constraint = key && findConstraint({ table: key.table, columns: key.columns });
  if (!constraint) return;
  failed.driver.constraint = constraint.name;
  failed.driver.table = constraint.table;
}
