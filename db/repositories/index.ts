/** createRepositories(db): the four repositories over a handle or a transaction handle. */
import type { DatabaseClient } from '../client';
import { createAuthorsRepository } from './authors';
import { createBooksRepository } from './books';
import { createUserBooksRepository } from './user-books';
import { createUsersRepository } from './users';

/**
 * @example
 * const repos = createRepositories(createDefaultClient());
 * const fantasy = await repos.books.search({ genre: 'Fantasy', minRating: 4 });
 */
export function createRepositories(db: DatabaseClient) {
  return {
    users: createUsersRepository(db),
    authors: createAuthorsRepository(db),
    books: createBooksRepository(db),
    userBooks: createUserBooksRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
export type { BookSearch } from './books';
export type { CursorOptions, CursorPage, FindManyOptions, Page, ReadOptions } from './base';
export type { Filters, OrderBy, Operators } from './query';
export type * from './types';
