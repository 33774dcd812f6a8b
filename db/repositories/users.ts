/** Users: generic CRUD plus lookup by email. */
import type { DatabaseClient } from '../client';
import { createBaseRepository } from './base';
import type { NewUser, User, UserUpdate } from './types';
import { schemas } from './validation';

/** The users repository for a handle (or a transaction handle). */
export function createUsersRepository(client: DatabaseClient) {
  const { table: _table, columns: _columns, live: _live, ...base } = createBaseRepository<User, NewUser, UserUpdate, string>(client, {
    entity: 'User',
    table: (t) => t.users,
    keys: ['id'],
    searchable: ['email', 'name'],
    insert: schemas.users.insert,
    update: schemas.users.update,
  });
  return {
    ...base,
    /** The live user with exactly this email, or null. */
    findByEmail: (email: string): Promise<User | null> => base.findFirst({ email }),
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
