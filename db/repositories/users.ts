/** Users (example domain): lookup by email on top of the generic repository. */
import type { Repository, RepositoryOptions } from './contract';
import type { User } from './types';
import type { Tables } from '../tables';

export const usersOptions: RepositoryOptions = { entity: 'User', searchable: ['email', 'name'] };

/** The users domain methods. */
export function usersDomain(base: Repository<Tables['users']>) {
  return {
    /** The live user with exactly this email, or null. */
    findByEmail: (email: string): Promise<User | null> => base.findFirst({ email }),
  };
}
