/**
 * The option objects of the read methods, parsed once by the rules of input.ts, so findMany,
 * findWithPagination and findWithCursor agree on what a page, a page size and a cursor may be. Filters and
 * sort terms stay unread here: buildWhere and orderTerms read them with the table's columns at hand.
 */
import { ValidationError } from '../errors';
import { readFlag, readOptionsObject, readRecord } from './input';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;

export interface ParsedRead {
  withDeleted: boolean;
}

export interface ParsedFind extends ParsedRead {
  forUpdate: boolean;
}

export interface ParsedList extends ParsedRead {
  filters: unknown;
  orderBy: unknown;
  page: number;
  limit: number;
}

export interface ParsedCursor extends ParsedRead {
  filters: unknown;
  orderBy: unknown;
  limit: number;
  cursor: string | undefined;
}

/** The page size: absent (the default) or an integer from 1 to MAX_LIMIT. */
export function checkLimit(entity: string, limit: unknown): number {
  const value = limit === undefined ? DEFAULT_LIMIT : limit;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_LIMIT) {
    throw new ValidationError(`${entity} pagination`, [{ path: 'limit', message: `must be an integer from 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT}); walk larger results with findWithCursor` }]);
  }
  return value as number;
}

function checkPage(entity: string, page: unknown, limit: number): number {
  const value = page === undefined ? 1 : page;
  if (!Number.isSafeInteger(value) || (value as number) < 1 || !Number.isSafeInteger(((value as number) - 1) * limit)) {
    throw new ValidationError(`${entity} pagination`, [{ path: 'page', message: 'must be an integer from 1 (for deep pages use findWithCursor)' }]);
  }
  return value as number;
}

/** `{ withDeleted? }`, the options of findById, exists, findFirst and count. */
export function readOptions(entity: string, value: unknown): ParsedRead {
  if (value === undefined) return { withDeleted: false };
  const subject = `${entity} options`;
  return { withDeleted: readFlag(subject, readOptionsObject(subject, value, ['withDeleted']), 'withDeleted') ?? false };
}

/** `{ withDeleted?, forUpdate? }`, the options of findById and findFirst; a row lock only means something in a transaction. */
export function findOptions(entity: string, value: unknown, inTransaction: boolean): ParsedFind {
  if (value === undefined) return { withDeleted: false, forUpdate: false };
  const subject = `${entity} options`;
  const opts = readOptionsObject(subject, value, ['withDeleted', 'forUpdate']);
  const forUpdate = readFlag(subject, opts, 'forUpdate') ?? false;
  if (forUpdate && !inTransaction) {
    throw new ValidationError(subject, [
      { path: 'forUpdate', message: 'only inside a transaction: outside one the lock ends with the read; use db.transaction(async (tx) => …) and the tx repositories' },
    ]);
  }
  return { withDeleted: readFlag(subject, opts, 'withDeleted') ?? false, forUpdate };
}

/** The options of findMany and findWithPagination. */
export function listOptions(entity: string, value: unknown): ParsedList {
  const subject = `${entity} options`;
  const opts = readOptionsObject(subject, value, ['filters', 'orderBy', 'pagination', 'withDeleted']);
  const pagination = opts.pagination === undefined ? {} : readRecord(`${entity} pagination`, 'pagination', opts.pagination, ['page', 'limit']);
  const limit = checkLimit(entity, pagination.limit);
  return {
    filters: opts.filters,
    orderBy: opts.orderBy,
    withDeleted: readFlag(subject, opts, 'withDeleted') ?? false,
    limit,
    page: checkPage(entity, pagination.page, limit),
  };
}

/** The options of findWithCursor; a null or empty cursor starts from the beginning. */
export function cursorOptions(entity: string, value: unknown): ParsedCursor {
  const subject = `${entity} options`;
  const opts = readOptionsObject(subject, value, ['cursor', 'limit', 'orderBy', 'filters', 'withDeleted']);
  const { cursor } = opts;
  if (cursor !== undefined && cursor !== null && typeof cursor !== 'string') {
    throw new ValidationError(`${entity} cursor`, [{ path: 'cursor', message: 'expected the nextCursor string of a previous page (or null)' }]);
  }
  return {
    filters: opts.filters,
    orderBy: opts.orderBy,
    withDeleted: readFlag(subject, opts, 'withDeleted') ?? false,
    limit: checkLimit(entity, opts.limit),
    cursor: cursor || undefined,
  };
}
