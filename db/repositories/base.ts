/**
 * The generic repository, written ONCE for every provider: CRUD, soft delete, filters, pagination and
 * keyset cursors over any table of the schema. Inputs are validated before SQL runs; driver errors
 * become the typed errors of db/errors.ts.
 */
import { createHash } from 'node:crypto';
import { and, count, eq, getTableColumns, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import { PG_TABLES, type DatabaseClient, type Tables } from '../client';
import { bulkInsert } from '../dialects/bulk';
import { toDbError } from '../error-mapping';
import { NotFoundError, ValidationError } from '../errors';
import type { AppDatabase } from '../providers/types';
import { decodeCursor, encodeCursor } from './cursor';
import { afterCursor, buildWhere, orderSql, orderTerms, UUID_PATTERN, type Filters, type OrderInput, type QueryShape } from './query';
import { validate } from './validation';

export interface ReadOptions {
  withDeleted?: boolean;
}

export interface FindManyOptions<Row> extends ReadOptions {
  filters?: Filters<Row>;
  orderBy?: OrderInput<Row>;
  pagination?: { page?: number; limit?: number };
}

export interface Page<Row> {
  items: Row[];
  total: number;
  page: number;
  limit: number;
  pageCount: number;
}

export interface CursorOptions<Row> extends ReadOptions {
  cursor?: string | null;
  limit?: number;
  orderBy?: OrderInput<Row>;
  filters?: Filters<Row>;
}

export interface CursorPage<Row> {
  items: Row[];
  /** Opaque; pass it back to get the next page. null when this was the last page. */
  nextCursor: string | null;
}

/** What a concrete repository declares about its table. */
export interface EntityConfig {
  entity: string;
  table: (tables: Tables) => PgTable;
  /** Field names of the primary key, in order. */
  keys: string[];
  searchable: string[];
  insert: z.ZodType;
  update: z.ZodType;
}

/** Prepared hot-path statements, per Drizzle client (a transaction gets its own), built on first use. */
interface Prepared {
  execute(values: Record<string, unknown>): Promise<unknown>;
}
const statements = new WeakMap<object, Map<string, Prepared>>();

function prepared(db: AppDatabase, name: string, build: () => Prepared): Prepared {
  let perDb = statements.get(db);
  if (!perDb) statements.set(db, (perDb = new Map()));
  let statement = perDb.get(name);
  if (!statement) perDb.set(name, (statement = build()));
  return statement;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;

/** Maps thrown driver errors to typed errors, leaving typed errors as they are. */
export async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toDbError(error, what);
  }
}

function checkLimit(entity: string, limit: number | undefined): number {
  const value = limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
    throw new ValidationError(`${entity} pagination`, [{ path: 'limit', message: `must be an integer from 1 to ${MAX_LIMIT}` }]);
  }
  return value;
}

/** Builds the generic repository; Row/Insert/Update/Id are the entity's public types. */
export function createBaseRepository<Row extends object, Insert, Update, Id>(client: DatabaseClient, config: EntityConfig) {
  const table = config.table(client.tables);
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  // Types come from the declared (pg) schema, so a malformed uuid behaves the same on every provider.
  const declared = getTableColumns(config.table(PG_TABLES)) as Record<string, PgColumn>;
  const deletedAt = columns.deletedAt;
  const shape: QueryShape = {
    entity: config.entity,
    columns,
    searchable: config.searchable.map((k) => columns[k]!),
    createdAt: columns.createdAt!,
    uuidFields: new Set(Object.entries(declared).filter(([, c]) => c.columnType === 'PgUUID').map(([k]) => k)),
  };
  const keyColumns = config.keys.map((k) => columns[k]!);
  const keyCheck = config.keys.map((k) =>
    declared[k]!.columnType === 'PgUUID'
      ? (v: unknown) => typeof v === 'string' && UUID_PATTERN.test(v)
      : declared[k]!.dataType === 'number'
        ? (v: unknown) => Number.isSafeInteger(v)
        : (v: unknown) => typeof v === 'string',
  );
  const byIdName = `${config.entity}_by_id`;
  const byIdAllName = `${config.entity}_by_id_all`;
  const run = <T>(what: string, fn: (db: AppDatabase) => Promise<T>) => guarded(`${config.entity} ${what}`, () => client.run(fn));

  /** The WHERE for one id, or undefined when the id cannot exist (wrong type or shape). */
  function idWhere(id: Id): SQL | undefined {
    const values = config.keys.length === 1 ? [id] : config.keys.map((k) => (id as Record<string, unknown> | null)?.[k]);
    if (values.some((v, i) => !keyCheck[i]!(v))) return undefined;
    return and(...values.map((v, i) => eq(keyColumns[i]!, v)));
  }
  const live = (where: SQL | undefined, options: ReadOptions = {}) =>
    deletedAt && !options.withDeleted ? and(where, isNull(deletedAt)) : where;

  async function selectRows(where: SQL | undefined, order: SQL[], limit?: number, offset?: number): Promise<Row[]> {
    return run('read', async (db) => {
      let query = db.select().from(table).where(where).orderBy(...order).$dynamic();
      if (limit !== undefined) query = query.limit(limit);
      if (offset) query = query.offset(offset);
      return (await query) as Row[];
    });
  }

  async function changeOne(id: Id, values: Record<string, unknown>, options: ReadOptions, what: string): Promise<Row> {
    const where = idWhere(id);
    if (!where) throw new NotFoundError(config.entity, id);
    const [row] = await run(what, (db) => db.update(table).set(values).where(live(where, options)).returning());
    if (!row) throw new NotFoundError(config.entity, id);
    return row as Row;
  }

  const repo = {
    /** Validates and inserts one row; returns it as stored. */
    async create(data: Insert): Promise<Row> {
      const values = validate(config.insert, data, config.entity) as Record<string, unknown>;
      // JS-side defaults (e.g. a uuid on SQLite) are filled here, so the prepared statement never freezes one.
      for (const [key, col] of Object.entries(columns)) if (values[key] === undefined && col.defaultFn) values[key] = col.defaultFn();
      const keys = Object.keys(values).filter((k) => values[k] !== undefined).sort();
      // NULLs are written as SQL NULL: some drivers would pass a column encoder's String(null) instead.
      const shape = keys.map((k) => (values[k] === null ? `${k}=null` : k)).join(',');
      const name = `${config.entity}_create_${createHash('sha1').update(shape).digest('hex').slice(0, 12)}`;
      const row = Object.fromEntries(keys.map((k) => [k, values[k] === null ? sql`null` : sql.placeholder(k)]));
      const rows = await run('create', (db) =>
        prepared(db, name, () => db.insert(table).values(row as never).returning().prepare(name)).execute(values),
      );
      return (rows as Row[])[0]!;
    },

    /** Validates every row first, then inserts them all in one transaction, chunked; returns the count. */
    async bulkCreate(rows: Insert[]): Promise<{ count: number }> {
      const values = rows.map((row, i) => {
        try {
          return validate(config.insert, row, config.entity) as Record<string, unknown>;
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          throw new ValidationError(`${config.entity} (row ${i})`, error.issues.map((issue) => ({ ...issue, path: `${i}.${issue.path}` })));
        }
      });
      const family = client.capabilities.family;
      const written = await guarded(`${config.entity} bulk create`, () =>
        client.transaction((tx) => bulkInsert(family, tx.db, config.table(tx.tables), values)),
      );
      return { count: written };
    },

    /** Inserts, or updates the row that conflicts on `target`; returns the stored row. */
    async upsert(data: Insert, options: { target: (keyof Row & string) | (keyof Row & string)[] }): Promise<Row> {
      const values = validate(config.insert, data, config.entity) as Record<string, unknown>;
      const targets = (Array.isArray(options.target) ? options.target : [options.target]).map((f) => {
        const col = columns[f];
        if (!col) throw new ValidationError(`${config.entity} upsert`, [{ path: String(f).slice(0, 60), message: 'unknown conflict target' }]);
        return col;
      });
      const set: Record<string, unknown> = { ...values, updatedAt: columns.updatedAt ? new Date() : undefined };
      for (const key of config.keys) delete set[key];
      const [row] = await run('upsert', (db) =>
        db.insert(table).values(values as never).onConflictDoUpdate({ target: targets, set: set as never }).returning(),
      );
      return row as Row;
    },

    /** The row with this id, or null (also null for soft-deleted rows unless withDeleted). */
    async findById(id: Id, options: ReadOptions = {}): Promise<Row | null> {
      if (keyColumns.length === 1) {
        if (!keyCheck[0]!(id)) return null;
        const name = options.withDeleted ? byIdAllName : byIdName;
        const rows = await run('read', (db) =>
          prepared(db, name, () => db.select().from(table).where(live(eq(keyColumns[0]!, sql.placeholder('id')), options)).limit(1).prepare(name)).execute({ id }),
        );
        return (rows as Row[])[0] ?? null;
      }
      const where = idWhere(id);
      if (!where) return null;
      const [row] = await selectRows(live(where, options), [], 1);
      return row ?? null;
    },

    /** The first live row matching `filters` (by primary key order), or null. */
    async findFirst(filters: Filters<Row> = {}, options: ReadOptions = {}): Promise<Row | null> {
      const terms = orderTerms(shape, undefined, config.keys);
      const [row] = await selectRows(live(buildWhere(shape, filters), options), orderSql(terms), 1);
      return row ?? null;
    },

    /** True when a live row has this id. */
    async exists(id: Id, options: ReadOptions = {}): Promise<boolean> {
      const where = idWhere(id);
      if (!where) return false;
      const name = `${config.entity}_exists${options.withDeleted ? '_all' : ''}`;
      const rows = await run('exists', (db) =>
        keyColumns.length === 1
          ? prepared(db, name, () => db.select({ one: sql<number>`1` }).from(table).where(live(eq(keyColumns[0]!, sql.placeholder('id')), options)).limit(1).prepare(name)).execute({ id })
          : db.select({ one: sql<number>`1` }).from(table).where(live(where, options)).limit(1),
      );
      return (rows as unknown[]).length > 0;
    },

    /** How many live rows match `filters`, as a JavaScript number. */
    async count(filters: Filters<Row> = {}, options: ReadOptions = {}): Promise<number> {
      const where = live(buildWhere(shape, filters), options);
      const plain = Object.keys(filters).length === 0;
      const name = `${config.entity}_count${options.withDeleted ? '_all' : ''}`;
      const rows = await run('count', (db) =>
        plain
          ? prepared(db, name, () => db.select({ n: count() }).from(table).where(where).prepare(name)).execute({})
          : db.select({ n: count() }).from(table).where(where),
      );
      return Number((rows as { n: number }[])[0]?.n ?? 0);
    },

    /** Rows matching `filters`, ordered (primary key last, so the order is total), one page. */
    async findMany(options: FindManyOptions<Row> = {}): Promise<Row[]> {
      const limit = checkLimit(config.entity, options.pagination?.limit);
      const page = options.pagination?.page ?? 1;
      if (!Number.isInteger(page) || page < 1) throw new ValidationError(`${config.entity} pagination`, [{ path: 'page', message: 'must be an integer from 1' }]);
      const terms = orderTerms(shape, options.orderBy as OrderInput<Record<string, unknown>>, config.keys);
      return selectRows(live(buildWhere(shape, options.filters), options), orderSql(terms), limit, (page - 1) * limit);
    },

    /** One page plus the total count and page count. */
    async findWithPagination(options: FindManyOptions<Row> = {}): Promise<Page<Row>> {
      const limit = checkLimit(config.entity, options.pagination?.limit);
      const page = options.pagination?.page ?? 1;
      const [items, total] = await Promise.all([repo.findMany(options), repo.count(options.filters ?? {}, options)]);
      return { items, total, page, limit, pageCount: Math.ceil(total / limit) };
    },

    /** Keyset pagination: stable under inserts and ties; walk until nextCursor is null. */
    async findWithCursor(options: CursorOptions<Row> = {}): Promise<CursorPage<Row>> {
      const limit = checkLimit(config.entity, options.limit);
      const terms = orderTerms(shape, options.orderBy as OrderInput<Record<string, unknown>>, config.keys);
      const fields = terms.map((t) => `${t.field}:${t.dir}`);
      const after = options.cursor ? afterCursor(terms, decodeCursor(config.entity, options.cursor, fields)) : undefined;
      const rows = await selectRows(live(and(buildWhere(shape, options.filters), after), options), orderSql(terms), limit + 1);
      const items = rows.slice(0, limit);
      const last = items[items.length - 1] as Record<string, unknown> | undefined;
      const nextCursor = rows.length > limit && last ? encodeCursor(fields, terms.map((t) => last[t.field])) : null;
      return { items, nextCursor };
    },

    /** Validates and applies `data`; sets updatedAt. A missing (or soft-deleted) row → NotFoundError. */
    async update(id: Id, data: Update): Promise<Row> {
      const values = validate(config.update, data, `${config.entity} update`) as Record<string, unknown>;
      if (columns.updatedAt) values.updatedAt = new Date();
      return changeOne(id, values, {}, 'update');
    },

    /** Deletes the row for good (children with ON DELETE CASCADE go too). */
    async hardDelete(id: Id): Promise<void> {
      const where = idWhere(id);
      const deleted = where ? await run('delete', (db) => db.delete(table).where(where).returning()) : [];
      if (deleted.length === 0) throw new NotFoundError(config.entity, id);
    },
  };

  const softDeletes = {
    /** Marks the row deleted; every read skips it unless withDeleted. */
    softDelete: (id: Id): Promise<Row> => changeOne(id, { deletedAt: new Date(), updatedAt: new Date() }, {}, 'soft delete'),
    /** Brings a soft-deleted row back. */
    restore: (id: Id): Promise<Row> => changeOne(id, { deletedAt: null, updatedAt: new Date() }, { withDeleted: true }, 'restore'),
  };

  // table, columns, live and run are for the entity files; they strip them from their public object.
  return { ...repo, ...softDeletes, table, columns, live, run };
}

export type BaseRepository<Row extends object, Insert, Update, Id> = ReturnType<typeof createBaseRepository<Row, Insert, Update, Id>>;
