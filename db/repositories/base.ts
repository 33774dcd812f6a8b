/**
 * The generic repository, written ONCE for every table of db/schema.ts and every provider: CRUD, soft
 * delete (where the table has `deletedAt`), filters, pagination and keyset cursors. Inputs are validated
 * before SQL runs; driver errors become the typed errors of db/errors.ts.
 *
 * The body works on the table's run-time description (TableInfo); its public type, Repository<T>, is
 * computed from the table's own type in types.ts. createTableRepository joins the two in one cast.
 */
import { createHash } from 'node:crypto';
import { and, count, eq, getTableColumns, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DatabaseClient } from '../client';
import { bulkInsert } from '../dialects';
import { NotFoundError, ValidationError } from '../errors';
import { internalsOf } from '../internals';
import type { AppDatabase } from '../providers/types';
import { tableInfo, type TableInfo, type TableKey, type Tables } from '../tables';
import { conflictTargets, hiddenRowConflict } from './conflict';
import { decodeCursor, encodeCursor } from './cursor';
import { guarded, prepared } from './guard';
import { isList, isPlainRecord, readList, readRecord } from './input';
import { increments } from './increments';
import { cursorOptions, findOptions, listOptions, readOptions, type ParsedCursor, type ParsedList, type ParsedRead } from './options';
import { keysetSegments, orderSql } from './keyset';
import { buildWhere, orderTerms, type QueryShape } from './query';
import type { FindOptions, ReadOptions, Repository, RepositoryContext, RepositoryOptions } from './contract';
import type { TextColumnType } from './types';
import { validate, validatorsFor } from './validation';
import { portableValue, valueProblem } from './values';

const TEXT_TYPES: readonly string[] = ['PgText', 'PgVarchar', 'PgChar'] satisfies TextColumnType[];

/** 'userBooks' → 'UserBook', 'categories' → 'Category'. */
export function entityName(key: string): string {
  const singular = key.endsWith('ies') ? `${key.slice(0, -3)}y` : key.endsWith('s') && !key.endsWith('ss') ? key.slice(0, -1) : key;
  return singular.charAt(0).toUpperCase() + singular.slice(1);
}

type Row = Record<string, unknown>;

/** Builds the repository of the table exported as `key`, with the context its domain layer needs. */
export function createTableRepository<K extends TableKey>(client: DatabaseClient, key: K, options: RepositoryOptions = {}) {
  const info: TableInfo = tableInfo(key);
  const internals = internalsOf(client);
  const entity = options.entity ?? entityName(key);
  const table: PgTable = internals.tables[key];
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  // Types come from the declared (pg) schema, so a malformed uuid behaves the same on every provider.
  const declared = getTableColumns(info.declared) as Record<string, PgColumn>;
  const { deletedAt, updatedAt } = columns;
  const validators = validatorsFor(info);
  const textFields = Object.keys(declared).filter((k) => TEXT_TYPES.includes(declared[k]!.columnType));
  const shape: QueryShape = {
    entity,
    columns,
    searchable: (options.searchable ?? textFields).map((k) => columns[k]!),
    createdAt: columns.createdAt,
    textFields: new Set(textFields),
    declared,
  };
  const keys = info.primaryKey;
  const keyColumns = keys.map((k) => columns[k]!);
  // A key value the declared column cannot hold can never match a row (the same type rules as filters).
  const keyChecks = keys.map((k) => (v: unknown) => v !== null && v !== undefined && valueProblem(declared[k]!, v) === undefined);
  const targets = conflictTargets(info);
  const read = <R>(what: string, fn: (db: AppDatabase) => Promise<R>) => guarded(`${entity} ${what}`, () => internals.run(fn));
  const live = (where: SQL | undefined, opts: ReadOptions = {}) => (deletedAt && !opts.withDeleted ? and(where, isNull(deletedAt)) : where);

  /**
   * The key values of `id` in key order, as sent (see portableValue), or undefined when it cannot identify
   * a row (wrong type or shape). A composite id is read once, like every other input (input.ts).
   */
  function keyValues(id: unknown): unknown[] | undefined {
    if (keys.length === 1) return keyChecks[0]!(id) ? [portableValue(declared[keys[0]!]!, id)] : undefined;
    if (!isPlainRecord(id)) return undefined;
    const fields = readRecord(`${entity} id`, 'id', id);
    if (Object.keys(fields).some((k) => !keys.includes(k))) return undefined;
    const values = keys.map((k) => fields[k]);
    return values.every((v, i) => keyChecks[i]!(v)) ? values.map((v, i) => portableValue(declared[keys[i]!]!, v)) : undefined;
  }
  const keyWhere = (values: unknown[]) => and(...values.map((v, i) => eq(keyColumns[i]!, v)));
  const idWhere = (id: unknown) => {
    const values = keyValues(id);
    return values && keyWhere(values);
  };

  /** The cursor's values, each of its sort column's type (a forged cursor is refused the same way everywhere). */
  function checkedCursor(cursor: string, fields: string[], terms: { field: string }[]): unknown[] {
    const values = decodeCursor(entity, cursor, fields);
    terms.forEach((term, i) => {
      const col = declared[term.field];
      if (values[i] !== null && col && valueProblem(col, values[i])) {
        throw new ValidationError(`${entity} cursor`, [{ path: 'cursor', message: 'not a cursor from this query; start again without one' }]);
      }
    });
    return values.map((v, i) => (v === null ? v : portableValue(declared[terms[i]!.field]!, v)));
  }

  async function selectRows(where: SQL | undefined, order: SQL[], limit?: number, offset?: number, forUpdate = false): Promise<Row[]> {
    return read('read', async (db) => {
      let query = db
        .select()
        .from(table)
        .where(where)
        .orderBy(...order)
        .$dynamic();
      if (limit !== undefined) query = query.limit(limit);
      if (offset) query = query.offset(offset);
      return forUpdate ? internals.dialect.lockForUpdate(query) : query;
    });
  }

  async function changeOne(id: unknown, values: Row, opts: ReadOptions, what: string): Promise<Row> {
    const where = idWhere(id);
    if (!where) throw new NotFoundError(entity, id);
    const [row] = await read(what, (db) => db.update(table).set(values).where(live(where, opts)).returning());
    if (!row) throw new NotFoundError(entity, id);
    return row;
  }

  const preparedRead = (db: AppDatabase, name: string, build: () => { execute(values: Row): Promise<unknown> }, values: Row) =>
    prepared(db, `${entity}_${name}`, build).execute(values) as Promise<Row[]>;

  async function countRows(filtered: SQL | undefined, opts: ParsedRead): Promise<number> {
    const where = live(filtered, opts);
    const name = `count${opts.withDeleted ? '_all' : ''}`;
    const rows = await read('count', (db) =>
      filtered === undefined ? preparedRead(db, name, () => db.select({ n: count() }).from(table).where(where).prepare(`${entity}_${name}`), {}) : db.select({ n: count() }).from(table).where(where),
    );
    return Number(rows[0]?.n ?? 0);
  }

  async function listRows(opts: ParsedList, filtered: SQL | undefined): Promise<Row[]> {
    const terms = orderTerms(shape, opts.orderBy, keys);
    return selectRows(live(filtered, opts), orderSql(terms), opts.limit, (opts.page - 1) * opts.limit);
  }

  async function cursorPage(opts: ParsedCursor): Promise<{ items: Row[]; nextCursor: string | null }> {
    const terms = orderTerms(shape, opts.orderBy, keys);
    const fields = terms.map((t) => `${t.field}:${t.dir}`);
    const values = opts.cursor ? checkedCursor(opts.cursor, fields, terms) : undefined;
    const filtered = buildWhere(shape, opts.filters);
    const rows: Row[] = [];
    // One query per section of the order (keyset.ts); the second runs only when a page crosses into it.
    for (const segment of keysetSegments(terms, values)) {
      rows.push(...(await selectRows(live(and(filtered, segment.where), opts), segment.order, opts.limit + 1 - rows.length)));
      if (rows.length > opts.limit) break;
    }
    const items = rows.slice(0, opts.limit);
    const last = items[items.length - 1];
    const nextCursor =
      rows.length > opts.limit && last
        ? encodeCursor(
            fields,
            terms.map((t) => last[t.field]),
          )
        : null;
    return { items, nextCursor };
  }

  const repo = {
    async create(data: unknown): Promise<Row> {
      const values = validate(validators.insert, data, entity) as Row;
      // JS-side defaults (e.g. a uuid on SQLite) are filled here, so the prepared statement never freezes one.
      for (const [k, col] of Object.entries(columns)) if (values[k] === undefined && col.defaultFn) values[k] = col.defaultFn();
      const fields = Object.keys(values)
        .filter((k) => values[k] !== undefined)
        .sort();
      // NULLs are written as SQL NULL: some drivers would pass a column encoder's String(null) instead.
      const shapeKey = fields.map((k) => (values[k] === null ? `${k}=null` : k)).join(',');
      const name = `create_${createHash('sha1').update(shapeKey).digest('hex').slice(0, 12)}`;
      const row = Object.fromEntries(fields.map((k) => [k, values[k] === null ? sql`null` : sql.placeholder(k)]));
      const rows = await read('create', (db) => preparedRead(db, name, () => db.insert(table).values(row).returning().prepare(`${entity}_${name}`), values));
      return rows[0]!;
    },

    async bulkCreate(rows: unknown[]): Promise<{ count: number }> {
      const values = readList(`${entity} bulk create`, 'rows', rows).map((row, i) => {
        try {
          return validate(validators.insert, row, entity) as Row;
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          throw new ValidationError(
            `${entity} (row ${i})`,
            error.issues.map((issue) => ({ ...issue, path: `${i}.${issue.path}` })),
          );
        }
      });
      const written = await guarded(`${entity} bulk create`, () =>
        client.transaction((tx) => {
          const inner = internalsOf(tx);
          return bulkInsert(inner.dialect, inner.db, inner.tables[key], values);
        }),
      );
      return { count: written };
    },

    async upsert(data: unknown, opts: { target: string | string[] }): Promise<Row> {
      const values = validate(validators.insert, data, entity) as Row;
      const given = readRecord(`${entity} upsert`, 'options', opts, ['target']).target;
      const fields = isList(given) ? readList(`${entity} upsert`, 'target', given, 16) : [given];
      const target = fields.every((f) => typeof f === 'string') ? targets.get([...fields].sort().join(',')) : undefined;
      if (!target) {
        const allowed = [...targets.keys()].map((t) => `[${t}]`).join(' or ');
        throw new ValidationError(`${entity} upsert`, [{ path: 'target', message: `must be the primary key or a unique constraint: ${allowed}` }]);
      }
      const set: Row = { ...values };
      for (const k of keys) delete set[k];
      if (updatedAt) set.updatedAt = new Date();
      const conflict = { target: fields.map((f) => columns[f as string]!), targetWhere: target.where, set, setWhere: live(undefined) };
      const [row] = await read('upsert', (db) => db.insert(table).values(values).onConflictDoUpdate(conflict).returning());
      // Nothing inserted and nothing updated: the key belongs to a soft-deleted row, which upsert never revives.
      if (!row) throw hiddenRowConflict(info, entity, fields as string[]);
      return row;
    },

    async findById(id: unknown, options?: FindOptions): Promise<Row | null> {
      const opts = findOptions(entity, options, client.inTransaction);
      const values = keyValues(id);
      if (!values) return null;
      if (keys.length > 1) return (await selectRows(live(keyWhere(values), opts), [], 1, 0, opts.forUpdate))[0] ?? null;
      const name = `by_id${opts.withDeleted ? '_all' : ''}${opts.forUpdate ? '_lock' : ''}`;
      const lock = opts.forUpdate ? internals.dialect.lockForUpdate : <Q>(query: Q) => query;
      const rows = await read('read', (db) =>
        preparedRead(
          db,
          name,
          () =>
            lock(
              db
                .select()
                .from(table)
                // The primary key matches at most one row: no LIMIT (a bound `limit ?` costs SQLite about half the lookup).
                .where(live(eq(keyColumns[0]!, sql.placeholder('id')), opts))
                .$dynamic(),
            ).prepare(`${entity}_${name}`),
          { id: values[0] },
        ),
      );
      return rows[0] ?? null;
    },

    async findFirst(filters?: object, options?: FindOptions): Promise<Row | null> {
      const opts = findOptions(entity, options, client.inTransaction);
      const [row] = await selectRows(live(buildWhere(shape, filters), opts), orderSql(orderTerms(shape, undefined, keys)), 1, 0, opts.forUpdate);
      return row ?? null;
    },

    async exists(id: unknown, options?: ReadOptions): Promise<boolean> {
      const opts = readOptions(entity, options);
      const values = keyValues(id);
      if (!values) return false;
      const name = `exists${opts.withDeleted ? '_all' : ''}`;
      const rows = await read('exists', (db) =>
        keys.length === 1
          ? preparedRead(
              db,
              name,
              () =>
                db
                  .select({ one: sql<number>`1` })
                  .from(table)
                  .where(live(eq(keyColumns[0]!, sql.placeholder('id')), opts))
                  .limit(1)
                  .prepare(`${entity}_${name}`),
              { id: values[0] },
            )
          : db
              .select({ one: sql<number>`1` })
              .from(table)
              .where(live(keyWhere(values), opts))
              .limit(1),
      );
      return rows.length > 0;
    },

    async count(filters?: object, options?: ReadOptions): Promise<number> {
      return countRows(buildWhere(shape, filters), readOptions(entity, options));
    },

    async findMany(options?: object): Promise<Row[]> {
      const opts = listOptions(entity, options);
      return listRows(opts, buildWhere(shape, opts.filters));
    },

    async findWithPagination(options?: object) {
      // Parsed once for both queries, so the page and the total always describe the same filters.
      const opts = listOptions(entity, options);
      const filtered = buildWhere(shape, opts.filters);
      const [items, total] = await Promise.all([listRows(opts, filtered), countRows(filtered, opts)]);
      return { items, total, page: opts.page, limit: opts.limit, pageCount: Math.ceil(total / opts.limit) };
    },

    async findWithCursor(options?: object) {
      return cursorPage(cursorOptions(entity, options));
    },

    async update(id: unknown, data: unknown, options?: object): Promise<Row> {
      const added = increments(entity, declared, keys, options);
      const values = validate(validators.update, data, `${entity} update`) as Row;
      for (const { field, amount, scale } of added) {
        if (values[field] !== undefined) throw new ValidationError(`${entity} update`, [{ path: field, message: 'both set and incremented: give one or the other' }]);
        values[field] = internals.dialect.addTo(columns[field]!, amount, scale);
      }
      if (updatedAt) values.updatedAt = new Date();
      return changeOne(id, values, {}, 'update');
    },

    async hardDelete(id: unknown): Promise<void> {
      const where = idWhere(id);
      const deleted = where ? await read('delete', (db) => db.delete(table).where(where).returning()) : [];
      if (deleted.length === 0) throw new NotFoundError(entity, id);
    },
  };

  const softDeletes = deletedAt
    ? {
        softDelete: (id: unknown) => changeOne(id, { deletedAt: new Date(), ...(updatedAt ? { updatedAt: new Date() } : {}) }, {}, 'soft delete'),
        restore: (id: unknown) => changeOne(id, { deletedAt: null, ...(updatedAt ? { updatedAt: new Date() } : {}) }, { withDeleted: true }, 'restore'),
      }
    : {};

  type T = Tables[K];
  // The one cast: the body above checks at run time what Repository<T> promises at compile time (key shape,
  // validated inputs, rows as the table declares them, soft delete only where deletedAt exists).
  const repository = Object.freeze({ ...repo, ...softDeletes }) as unknown as Repository<T>;
  const context: RepositoryContext<T> = { table: table as T, tables: internals.tables, live, read, isKey: (id) => keyValues(id) !== undefined };
  return { repository, context };
}
