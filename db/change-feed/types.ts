/** Shapes shared by the change feed's family code (db/dialects/<family>/feed.ts) and its subscriber. */
import type { DatabaseClient } from '../client';
import type { TableInfo } from '../tables';
import type { FedTable } from './tables';

/** What happened to a row. An update that changes a key is a delete of the old key and an update of the new. */
export type ChangeOp = 'insert' | 'update' | 'delete';
export const CHANGE_OPS: readonly ChangeOp[] = Object.freeze(['insert', 'update', 'delete']);

/** One committed log entry: every row one statement (Postgres) or one row change (SQLite) touched. */
export interface FeedRow {
  /** Commit-order number: later commits have higher numbers; numbers can skip. */
  seq: number;
  op: ChangeOp;
  /** Each row's key values, in primary-key column order. */
  keys: unknown[][];
  at: Date;
}

/** The log's ends: the newest committed number (any table), and the number up to which one table's entries were pruned. */
export interface FeedBounds {
  head: number;
  prunedThrough: number;
}

/** What each SQL family implements for the change feed. */
export interface FeedDialect {
  /** The migration statements: the log, and capture triggers on `fed`, none on the other schema tables. */
  migration(fed: readonly FedTable[], others: readonly TableInfo[]): string[];
  /** Committed entries of `table` numbered `from` or higher, oldest first, with its prune watermark read in the same statement. */
  read(db: DatabaseClient, table: string, from: number, limit: number): Promise<{ rows: FeedRow[]; prunedThrough: number }>;
  bounds(db: DatabaseClient, table: string): Promise<FeedBounds>;
  /** SQL names of the tables that have all three capture triggers in the database (none when the log cannot number entries). */
  capturedTables(db: DatabaseClient): Promise<string[]>;
  /** Deletes entries committed before `before`, raising each table's watermark to its newest deleted entry; returns how many. */
  prune(db: DatabaseClient, before: Date): Promise<{ deleted: number }>;
}

/** The NOTIFY channel Postgres commits of fed tables wake subscribers on. */
export const FEED_CHANNEL = 'change_feed';
