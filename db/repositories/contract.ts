/**
 * What a repository promises, as types computed from its table: the methods every table's repository has,
 * soft delete where the table has `deletedAt`, and what a domain layer gets to build on. base.ts keeps it.
 */
import type { SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { AppDatabase } from '../providers/types';
import type { Tables } from '../tables';
import type { Filters, HasSoftDelete, IdOf, Increments, InsertOf, OrderInput, RowOf, UpdateOf } from './types';

export interface ReadOptions {
  withDeleted?: boolean;
}

/** The options of findById and findFirst. */
export interface FindOptions extends ReadOptions {
  /**
   * Only inside a transaction: no other transaction may change the row until this one ends, so a value read
   * here and written back later cannot overwrite a concurrent update (Postgres: SELECT … FOR UPDATE; SQLite's
   * transaction already holds the write lock). Outside a transaction it is a ValidationError.
   */
  forUpdate?: boolean;
}

/** The options of update. */
export interface UpdateOptions<T extends PgTable> {
  /** Numeric fields changed by these amounts in the UPDATE itself (`set pages = pages + 1`): no read, no lost update. */
  increment?: Increments<T>;
}

export interface FindManyOptions<T extends PgTable> extends ReadOptions {
  filters?: Filters<T>;
  orderBy?: OrderInput<T>;
  pagination?: { page?: number; limit?: number };
}

export interface Page<Row> {
  items: Row[];
  total: number;
  page: number;
  limit: number;
  pageCount: number;
}

export interface CursorOptions<T extends PgTable> extends ReadOptions {
  cursor?: string | null;
  limit?: number;
  orderBy?: OrderInput<T>;
  filters?: Filters<T>;
}

export interface CursorPage<Row> {
  items: Row[];
  /** Opaque; pass it back to get the next page. null when this was the last page. */
  nextCursor: string | null;
}

/** A field, or several, that identify a row for upsert: the primary key or a unique constraint. */
export type ConflictTarget<T extends PgTable> = (keyof RowOf<T> & string) | (keyof RowOf<T> & string)[];

/** The methods every table's repository has. */
export interface BaseRepository<T extends PgTable> {
  /** Validates and inserts one row; returns it as stored. */
  create(data: InsertOf<T>): Promise<RowOf<T>>;
  /** Validates every row first, then inserts them all in one transaction, chunked; returns the count. */
  bulkCreate(rows: InsertOf<T>[]): Promise<{ count: number }>;
  /** Inserts, or updates the row that conflicts on `target` (the primary key or a unique constraint). */
  upsert(data: InsertOf<T>, options: { target: ConflictTarget<T> }): Promise<RowOf<T>>;
  /** The row with this id, or null (also null for soft-deleted rows unless withDeleted). */
  findById(id: IdOf<T>, options?: FindOptions): Promise<RowOf<T> | null>;
  /** The first live row matching `filters` (by primary key order), or null. */
  findFirst(filters?: Filters<T>, options?: FindOptions): Promise<RowOf<T> | null>;
  /** True when a live row has this id. */
  exists(id: IdOf<T>, options?: ReadOptions): Promise<boolean>;
  /** How many live rows match `filters`, as a JavaScript number. */
  count(filters?: Filters<T>, options?: ReadOptions): Promise<number>;
  /** Rows matching `filters`, ordered (primary key last, so the order is total), one page. */
  findMany(options?: FindManyOptions<T>): Promise<RowOf<T>[]>;
  /** One page plus the total count and page count. */
  findWithPagination(options?: FindManyOptions<T>): Promise<Page<RowOf<T>>>;
  /** Keyset pagination: stable under inserts and ties; walk until nextCursor is null. */
  findWithCursor(options?: CursorOptions<T>): Promise<CursorPage<RowOf<T>>>;
  /**
   * Validates and applies `data`, and adds `options.increment` to numeric fields in the same statement; sets
   * updatedAt where the table has it. A missing (or soft-deleted) row → NotFoundError.
   * @example await repos.books.update(id, {}, { increment: { pages: -1 } });
   */
  update(id: IdOf<T>, data: UpdateOf<T>, options?: UpdateOptions<T>): Promise<RowOf<T>>;
  /** Deletes the row for good (children with ON DELETE CASCADE go too). */
  hardDelete(id: IdOf<T>): Promise<void>;
}

/** Soft delete, only on tables with a `deletedAt` column. */
export interface SoftDeleteMethods<T extends PgTable> {
  /** Marks the row deleted; every read skips it unless withDeleted. */
  softDelete(id: IdOf<T>): Promise<RowOf<T>>;
  /** Brings a soft-deleted row back. */
  restore(id: IdOf<T>): Promise<RowOf<T>>;
}

/** The repository of table T: base methods, plus soft delete where T has `deletedAt`. */
export type Repository<T extends PgTable> = BaseRepository<T> & (HasSoftDelete<T> extends true ? SoftDeleteMethods<T> : Record<never, never>);

/** What a domain layer (db/repositories/<entity>.ts) gets besides the public repository. */
export interface RepositoryContext<T extends PgTable> {
  /** The handle's own table object (the derived one on SQLite), typed as declared. */
  table: T;
  /** Every table of the handle, for joins. */
  tables: Tables;
  /** `where` plus "not soft-deleted" unless withDeleted (unchanged on tables without soft delete). */
  live(where: SQL | undefined, options?: ReadOptions): SQL | undefined;
  /** Runs a query on the handle (taking turns on SQLite); driver errors become typed errors naming `what`. */
  read<R>(what: string, fn: (db: AppDatabase) => Promise<R>): Promise<R>;
  /** True when `id` can identify a row (of the key's declared type): what findById checks before any SQL. */
  isKey(id: unknown): boolean;
}

/** Per-repository settings a domain layer may give. */
export interface RepositoryOptions {
  /** Name used in errors ("Book not found"); default: the export name in singular, capitalised. */
  entity?: string;
  /** Fields `search` looks in; default: every text column. */
  searchable?: string[];
}
