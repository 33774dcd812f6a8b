/**
 * What differs between the two SQL families, behind one interface. db/dialects/pg/ and db/dialects/sqlite/
 * each implement it with the same files (session, bulk, introspect, migrator, copy); nothing outside these
 * folders and db/providers/ branches on a family or a provider.
 */
import type { SQL } from 'drizzle-orm';
import type { PgColumn, PgSelect, PgTable } from 'drizzle-orm/pg-core';
import type { DatabaseClient } from '../client';
import type { FeedDialect } from '../change-feed/types';
import type { AppliedRow, MigrationFile } from '../migrate/journal';
import type { AppDatabase, SqlFamily } from '../providers/types';
import type { Tables } from '../tables';
import type { CatalogueColumn, CatalogueTable } from './catalogue';

export type Row = Record<string, unknown>;

export interface Dialect {
  readonly family: SqlFamily;
  /** The tables this family queries, keyed like db/schema.ts (SQLite: derived; typed as declared, see sqlite/tables.ts). */
  readonly tables: Tables;
  /** Tables and relations handed to drizzle({ schema }), so relational queries work. */
  readonly relationalSchema: Record<string, unknown>;
  /** Raw SQL → rows as plain objects. */
  execute(db: AppDatabase, query: SQL): Promise<Row[]>;
  /** Inserts rows that all have `keys`, in chunks the family accepts. */
  bulkInsert(db: AppDatabase, table: PgTable, keys: string[], rows: Row[]): Promise<void>;
  /** The live structure of one table (empty columns when it does not exist). */
  readTable(client: DatabaseClient, table: string): Promise<CatalogueTable>;
  /** Type, nullability and default of each column of `table` as this family's tables declare them. */
  expectedColumns(table: string): Record<string, CatalogueColumn>;
  /** The same facts of each live column of `table` (empty when it does not exist). */
  readColumns(client: DatabaseClient, table: string): Promise<Record<string, CatalogueColumn>>;
  /** The migration history rows (empty when the history table does not exist). */
  readHistory(client: DatabaseClient): Promise<AppliedRow[]>;
  /** Applies the pending migrations of `files` under the family's lock; returns the tags applied. */
  migrate(client: DatabaseClient, files: MigrationFile[], folder: string): Promise<string[]>;
  /** Turns the transaction just begun into a consistent read-only view. */
  readSnapshot(tx: DatabaseClient): Promise<void>;
  /** After rows were written with explicit ids, new rows continue after the highest one. */
  continueIdentity(tx: DatabaseClient, table: PgTable, tableName: string, column: string): Promise<void>;
  /** A read inside a transaction whose rows no other transaction may change until it ends. */
  lockForUpdate<Q extends PgSelect>(query: Q): Q;
  /** `column + amount` computed on the row's current value, the same result on every provider (`scale`: a numeric's). */
  addTo(column: PgColumn, amount: number, scale: number | undefined): SQL;
  /** The change feed's log, capture triggers and reads (db/change-feed/). */
  readonly feed: FeedDialect;
}
