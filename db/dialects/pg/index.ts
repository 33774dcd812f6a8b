/** The Postgres family (local, supabase, neon): the declared tables as they are. */
import { PG_TABLES, RELATIONAL_SCHEMA } from '../../tables';
import type { Dialect } from '../types';
import { pgFeed } from './feed';
import { pgBulkInsert } from './bulk';
import { pgContinueIdentity, pgReadSnapshot } from './copy';
import { expectedPgColumns, readPgColumns } from './column-facts';
import { readPgTable } from './introspect';
import { migratePg, readPgHistory } from './migrator';
import { pgExecute } from './session';
import { pgAddTo, pgLockForUpdate } from './writes';

export const pgDialect: Dialect = Object.freeze({
  family: 'pg',
  tables: PG_TABLES,
  relationalSchema: RELATIONAL_SCHEMA,
  execute: pgExecute,
  bulkInsert: pgBulkInsert,
  readTable: readPgTable,
  expectedColumns: expectedPgColumns,
  readColumns: readPgColumns,
  readHistory: readPgHistory,
  migrate: migratePg,
  readSnapshot: pgReadSnapshot,
  continueIdentity: pgContinueIdentity,
  lockForUpdate: pgLockForUpdate,
  addTo: pgAddTo,
  feed: pgFeed,
});
