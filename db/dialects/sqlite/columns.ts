/**
 * Maps one Postgres column of db/schema.ts to its SQLite form, keeping the JavaScript shape of the value:
 * Date stays Date (integer milliseconds), boolean stays boolean (0/1), json stays an object (text),
 * numeric(mode: 'number') stays a number. Anything without a faithful form throws UnsupportedSchemaError.
 */
import { is, SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { integer, numeric, real, text } from 'drizzle-orm/sqlite-core';
import { UnsupportedSchemaError } from '../../errors';
import { isNowDefault, isRandomUuidDefault, plainSqlText, SQLITE_NOW_MS, SQLITE_RANDOM_UUID } from '../defaults';

type Builder = ReturnType<typeof text> | ReturnType<typeof integer> | ReturnType<typeof real> | ReturnType<typeof numeric>;

function baseBuilder(col: PgColumn, where: string): Builder {
  switch (col.columnType) {
    case 'PgUUID':
    case 'PgText':
    case 'PgVarchar':
    case 'PgChar':
      return col.enumValues?.length ? text(col.name, { enum: col.enumValues as [string, ...string[]] }) : text(col.name);
    case 'PgInteger':
    case 'PgSmallInt':
    case 'PgBigInt53':
    case 'PgSerial':
      return integer(col.name);
    case 'PgBoolean':
      return integer(col.name, { mode: 'boolean' });
    case 'PgTimestamp':
      return integer(col.name, { mode: 'timestamp_ms' });
    case 'PgJson':
    case 'PgJsonb':
      return text(col.name, { mode: 'json' });
    case 'PgNumericNumber':
      return numeric(col.name, { mode: 'number' });
    case 'PgDoublePrecision':
    case 'PgReal':
      return real(col.name);
    case 'PgNumeric':
      throw new UnsupportedSchemaError(where, "numeric in string mode reads back as '12.90' on Postgres but '12.9' on SQLite", "declare it with { mode: 'number' } (or keep integer cents)");
    default:
      throw new UnsupportedSchemaError(where, `${col.columnType} has no faithful SQLite form`, 'use a portable type');
  }
}

function applyDefault(builder: Builder, col: PgColumn, where: string): Builder {
  if (col.defaultFn) return builder.$defaultFn(col.defaultFn as () => never);
  if (col.default === undefined) return builder;
  if (!is(col.default, SQL)) return builder.default(col.default as never);
  const expression = plainSqlText(col.default);
  // SQL defaults, not JS ones: rows written by other tools (the sqlite3 shell, Python) get the same values.
  if (isNowDefault(expression)) return builder.default(SQLITE_NOW_MS);
  if (isRandomUuidDefault(expression)) return builder.default(SQLITE_RANDOM_UUID);
  throw new UnsupportedSchemaError(where, `the SQL default ${expression ?? '(with parameters)'} has no known SQLite form`, 'use a literal default or $defaultFn');
}

/** Builds the SQLite column builder for `col` of `tableName`; `singlePrimaryKey` allows AUTOINCREMENT. */
export function deriveSqliteColumn(tableName: string, col: PgColumn): Builder {
  const where = `${tableName}.${col.name}`;
  if (col.generated) {
    throw new UnsupportedSchemaError(where, 'generated columns are not derived', 'compute the value in code');
  }
  if (col.generatedIdentity && !col.primary) {
    throw new UnsupportedSchemaError(where, 'identity is only portable on a single integer primary key', 'make it the primary key');
  }
  let builder = applyDefault(baseBuilder(col, where), col, where);
  if (col.onUpdateFn) builder = builder.$onUpdateFn(col.onUpdateFn as () => never);
  if (col.notNull) builder = builder.notNull();
  if (col.primary) {
    builder = col.generatedIdentity ? (builder as ReturnType<typeof integer>).primaryKey({ autoIncrement: true }) : builder.primaryKey();
  }
  if (col.isUnique) builder = builder.unique(col.uniqueName);
  return builder;
}
