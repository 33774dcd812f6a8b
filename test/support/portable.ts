/**
 * The handle's portable query builder (pg-typed on every provider), for tests that write or read rows
 * below the repositories. Library code gets it the same way; it is not part of the public handle.
 */
import type { DatabaseClient } from '../../db';
import { internalsOf, type Internals } from '../../db/internals';

/** The Drizzle client, tables and turn-taking `run` behind a handle. */
export function portable(client: DatabaseClient): Internals {
  return internalsOf(client);
}
