/**
 * sqlite: better-sqlite3 on a local file (SQLITE_PATH, default ./data/app.db). The embedded default.
 *
 * Pragmas, set explicitly: WAL (readers never block the writer), foreign_keys=ON, recursive_triggers=ON (the change
 * feed sees rows INSERT OR REPLACE deletes), busy_timeout
 * (SQLITE_BUSY_TIMEOUT ms, default 5000) and synchronous=NORMAL (SQLITE_SYNCHRONOUS: NORMAL or FULL).
 * With WAL, NORMAL loses nothing on an application crash; a power cut can lose the newest commits.
 * Set FULL where that matters more than write speed.
 * A file this user cannot write is opened read-only (db/dialects/sqlite/file.ts); its journal mode is left as it is.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { openSqliteFile } from '../dialects/sqlite/file';
import { installSqliteFunctions } from '../dialects/sqlite/functions';
import { createSqliteSession } from '../dialects/sqlite/session';
import { asAppDatabase, SQLITE_RELATIONAL_SCHEMA } from '../dialects/sqlite/tables';
import type { ProviderDefinition } from './types';

const SYNCHRONOUS = ['NORMAL', 'FULL'] as const;

/** The file of SQLITE_PATH, with a leading `~/` meaning the home folder as it does in a shell (not a folder named `~`). */
function fileOf(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

export const sqliteProvider: ProviderDefinition = {
  name: 'sqlite',
  family: 'sqlite',
  urlVariables: ['SQLITE_PATH'],
  defaultUrl: './data/app.db',

  validate(config) {
    const problems: string[] = [];
    const sync = config.env.SQLITE_SYNCHRONOUS?.toUpperCase();
    if (sync && !SYNCHRONOUS.includes(sync as (typeof SYNCHRONOUS)[number])) {
      problems.push(`SQLITE_SYNCHRONOUS must be NORMAL or FULL (got "${config.env.SQLITE_SYNCHRONOUS}")`);
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(config.url)) {
      problems.push('SQLITE_PATH must be a file path such as ./data/app.db, not a URL');
    }
    return problems;
  },

  capabilities: () => ({
    family: 'sqlite',
    singleConnection: true,
    rowLevelSecurity: false,
    transactionPooler: false,
    httpQueries: false,
    notifications: false,
    startupRetry: false,
  }),

  // A file path holds no secret.
  describe: (config) => `sqlite file ${fileOf(config.url)}`,

  connect(config) {
    const { native, readOnly } = openSqliteFile(fileOf(config.url), config.env.SQLITE_BUSY_TIMEOUT);
    // Switching to WAL writes the file header, which a read-only connection cannot do.
    if (!readOnly) native.pragma('journal_mode = WAL');
    native.pragma('foreign_keys = ON');
    // Rows that INSERT OR REPLACE deletes fire delete triggers only with this on: the change feed must see them.
    native.pragma('recursive_triggers = ON');
    native.pragma(`synchronous = ${(config.env.SQLITE_SYNCHRONOUS ?? 'NORMAL').toUpperCase()}`);
    installSqliteFunctions(native);
    const db = asAppDatabase(drizzle({ client: native, schema: SQLITE_RELATIONAL_SCHEMA }));
    const session = createSqliteSession(native);
    return {
      db,
      transactionDb: db,
      native,
      isDriverError: (error) => error instanceof Database.SqliteError,
      runTransaction: session.runTransaction,
      serialize: session.serialize,
      async close() {
        native.close();
      },
    };
  },
};
