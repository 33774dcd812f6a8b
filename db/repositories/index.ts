/**
 * createRepositories(db): a typed repository for EVERY table of db/schema.ts, keyed like its export, with
 * the example catalogue's domain methods layered on top of its four tables. A table added to the schema
 * gets its repository here with no other edit.
 */
import type { DatabaseClient } from '../client';
import { SCHEMA_TABLES, type TableKey, type Tables } from '../tables';
import { authorsDomain, authorsOptions } from './authors';
import { createTableRepository } from './base';
import type { Repository, RepositoryContext, RepositoryOptions } from './contract';
import { booksDomain, booksOptions } from './books';
import { userBooksDomain, userBooksOptions } from './user-books';
import { usersDomain, usersOptions } from './users';

/** The example's domain layers, by table export name (a table without one gets the generic repository). */
const DOMAINS = {
  users: { options: usersOptions, methods: usersDomain },
  authors: { options: authorsOptions, methods: authorsDomain },
  books: { options: booksOptions, methods: booksDomain },
  userBooks: { options: userBooksOptions, methods: userBooksDomain },
} satisfies { [K in TableKey]?: { options: RepositoryOptions; methods: (base: Repository<Tables[K]>, context: RepositoryContext<Tables[K]>) => object } };

type Domains = typeof DOMAINS;

/** The repository of the table exported as K, with its domain methods when it has some. */
export type RepositoryOf<K extends TableKey> = K extends keyof Domains ? Repository<Tables[K]> & ReturnType<Domains[K]['methods']> : Repository<Tables[K]>;

/** One repository per table of db/schema.ts. */
export type Repositories = { readonly [K in TableKey]: RepositoryOf<K> };

type AnyDomain = { options: RepositoryOptions; methods: (base: object, context: object) => object };

const cache = new WeakMap<DatabaseClient, Repositories>();

/**
 * The repositories over a handle or a transaction handle (made once per handle).
 *
 * @example
 * const repos = createRepositories(createDefaultClient());
 * const fantasy = await repos.books.search({ genre: 'Fantasy', minRating: 4 });
 */
export function createRepositories(db: DatabaseClient): Repositories {
  const known = cache.get(db);
  if (known) return known;
  const out: Record<string, object> = {};
  for (const { key } of SCHEMA_TABLES) {
    const domain = (DOMAINS as Partial<Record<TableKey, AnyDomain>>)[key];
    const { repository, context } = createTableRepository(db, key, domain?.options);
    out[key] = domain ? Object.freeze({ ...repository, ...domain.methods(repository, context) }) : repository;
  }
  // Safe: every key of Tables got the repository (and domain methods) that RepositoryOf<K> describes.
  const repositories = Object.freeze(out) as Repositories;
  cache.set(db, repositories);
  return repositories;
}

export type { BookSearch } from './books';
export type { StatusExtra } from './user-books';
export type {
  BaseRepository,
  ConflictTarget,
  CursorOptions,
  CursorPage,
  FindManyOptions,
  FindOptions,
  Page,
  ReadOptions,
  Repository,
  SoftDeleteMethods,
  UpdateOptions,
} from './contract';
export type * from './types';
