/** The SQLite family: tables and relations derived from db/schema.ts. */
import type { Dialect } from '../types';
import { sqliteFeed } from './feed';
import { sqliteBulkInsert } from './bulk';
import { sqliteContinueIdentity, sqliteReadSnapshot } from './copy';
import { expectedSqliteColumns, readSqliteColumns } from './column-facts';
import { readSqliteTable } from './introspect';
import { migrateSqlite, readSqliteHistory } from './migrator';
import { sqliteExecute } from './session';
import { SQLITE_RELATIONAL_SCHEMA, SQLITE_TABLES } from './tables';
import { sqliteAddTo, sqliteLockForUpdate } from './writes';

export const sqliteDialect: Dialect = Object.freeze({
  family: 'sqlite',
  tables: SQLITE_TABLES,
  relationalSchema: SQLITE_RELATIONAL_SCHEMA,
  execute: sqliteExecute,
  bulkInsert: sqliteBulkInsert,
  readTable: readSqliteTable,
  expectedColumns: expectedSqliteColumns,
  readColumns: readSqliteColumns,
  readHistory: readSqliteHistory,
  migrate: migrateSqlite,
  readSnapshot: sqliteReadSnapshot,
  continueIdentity: sqliteContinueIdentity,
  lockForUpdate: sqliteLockForUpdate,
  addTo: sqliteAddTo,
  feed: sqliteFeed,
});
