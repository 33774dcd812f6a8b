/** Users (example domain): lookup by email on top of the generic repository. */
import { ValidationError } from '../errors';
import type { Repository, RepositoryOptions } from './contract';
import type { User } from './types';
import type { Tables } from '../tables';

export const usersOptions: RepositoryOptions = { entity: 'User', searchable: ['email', 'name'] };

/** The users domain methods. */
export function usersDomain(base: Repository<Tables['users']>) {
  return {
    /** The live user with exactly this email, or null. Anything but a string is a ValidationError (never "the first user"). */
    async findByEmail(email: string): Promise<User | null> {
      if (typeof email !== 'string') throw new ValidationError('User lookup', [{ path: 'email', message: 'expected text' }]);
      return base.findFirst({ email });
    },
  };
}
