/** What every repository call shares: typed errors from driver errors, and prepared statements per client. */
import { toDbError } from '../error-mapping';
import type { AppDatabase } from '../providers/types';

/** Maps thrown driver errors to typed errors, leaving typed errors as they are. */
export async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toDbError(error, what);
  }
}

/** A prepared statement as the repositories use it. */
export interface Prepared {
  execute(values: Record<string, unknown>): Promise<unknown>;
}

/** Prepared hot-path statements, per Drizzle client (a transaction gets its own), built on first use. */
const statements = new WeakMap<object, Map<string, Prepared>>();

/** The statement `name` of `db`, built by `build` the first time. */
export function prepared(db: AppDatabase, name: string, build: () => Prepared): Prepared {
  let perDb = statements.get(db);
  if (!perDb) statements.set(db, (perDb = new Map()));
  let statement = perDb.get(name);
  if (!statement) perDb.set(name, (statement = build()));
  return statement;
}
