/**
 * User-scoped handles for row-level security (the supabase provider). `forUser(db, claims)` returns a
 * handle on which every query, repository call and transaction runs in a transaction that first sets the
 * request's JWT claims and the role, both transaction-local (`set_config(…, true)`, i.e. SET LOCAL) and
 * both bound parameters: they end with the transaction, so behind a transaction pooler nothing carries
 * over to the next client of the same server connection. Repositories work on it unchanged.
 *
 * @example
 * const mine = createRepositories(forUser(db, { sub: session.userId }));
 * await mine.userBooks.listForUser(session.userId); // only rows the policies let this user see
 */
import { sql } from 'drizzle-orm';
import { createClient, type DatabaseClient } from './client';
import { CapabilityError, ValidationError } from './errors';
import { internalsOf } from './internals';
import type { AppDatabase } from './providers/types';
import { readRecord } from './repositories/input';
import { UUID_PATTERN } from './repositories/values';
import { jsonProblem } from './repositories/written';

/** Roles a user-scoped handle may take; the service role is asService()'s alone. */
export const USER_ROLES = ['anon', 'authenticated'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** The claims of a verified JWT: `sub` is the user's id (a uuid); `role` defaults to 'authenticated'. */
export interface UserClaims {
  sub?: string;
  role?: UserRole;
  [claim: string]: unknown;
}

/** The role `service_role`: on Supabase it bypasses row-level security. */
const SERVICE_ROLE = 'service_role';

/** Throws CapabilityError unless `db` has row-level security (decided by capability, never by provider name). */
export function requireRowLevelSecurity(db: DatabaseClient, what: string, fix = 'run it on a handle whose capabilities.rowLevelSecurity is true (supabase)'): void {
  if (!db.capabilities.rowLevelSecurity) throw new CapabilityError(db.provider, 'rowLevelSecurity', what, fix);
}

/** A handle like `db` whose every transaction starts by taking `role` with `claims` (JSON text). */
function scopedHandle(db: DatabaseClient, what: string, role: string, claims: string): DatabaseClient {
  requireRowLevelSecurity(
    db,
    what,
    'it relies on row-level security policies and the anon/authenticated/service_role roles of a Supabase database; on this provider, scope queries in the application (for example userBooks.listForUser(userId))',
  );
  if (db.inTransaction) {
    throw new ValidationError(what, [{ path: 'db', message: 'is a transaction handle: scope the database handle and use its transaction()' }]);
  }
  const { opened, dialect } = internalsOf(db);
  // Both settings are bound parameters and transaction-local; `role` comes from the allow-list above.
  const prelude = async (tx: AppDatabase) => {
    await dialect.execute(tx, sql`select set_config('request.jwt.claims', ${claims}, true), set_config('role', ${role}, true)`);
  };
  return createClient({ ...opened, prelude, borrowed: true });
}

/** Reads `claims` once (see repositories/input.ts) and checks them; never echoes a value. */
function readClaims(claims: unknown): { role: UserRole; json: string } {
  const fail = (path: string, message: string) => new ValidationError('forUser claims', [{ path, message }]);
  const fields = readRecord('forUser claims', 'claims', claims);
  const role = fields.role ?? 'authenticated';
  if (typeof role !== 'string' || !(USER_ROLES as readonly string[]).includes(role)) {
    throw fail('role', `must be one of ${USER_ROLES.join(', ')}; for the service path use asService(db)`);
  }
  const sub = fields.sub;
  if (role === 'authenticated' && (typeof sub !== 'string' || !UUID_PATTERN.test(sub))) throw fail('sub', 'must be the user id (a uuid) of the signed-in user');
  if (role === 'anon' && sub !== undefined) throw fail('sub', 'an anon request has no user: leave sub out, or use role authenticated');
  for (const [key, value] of Object.entries(fields)) {
    let problem: { path: string[]; message: string } | undefined;
    try {
      problem = jsonProblem(value, [key]);
    } catch {
      problem = { path: [key], message: 'could not be read (a getter or proxy threw)' };
    }
    if (problem) throw fail(problem.path.join('.'), problem.message);
  }
  return { role: role as UserRole, json: JSON.stringify({ ...fields, role }) };
}

/**
 * A handle that runs as the signed-in user of `claims` (role 'authenticated', or 'anon'), so the
 * database's row-level security policies decide what it reads and writes. A CapabilityError on providers
 * without row-level security; a ValidationError for claims that are not a plain JSON object, a role outside
 * anon/authenticated or an authenticated claim without a uuid `sub`. close() leaves `db` open.
 */
export function forUser(db: DatabaseClient, claims: UserClaims): DatabaseClient {
  const { role, json } = readClaims(claims);
  return scopedHandle(db, 'forUser()', role, json);
}

/** A handle for a request with no signed-in user (role anon). */
export function asAnon(db: DatabaseClient): DatabaseClient {
  return forUser(db, { role: 'anon' });
}

/**
 * The explicit service path: every transaction runs as `service_role`, which bypasses row-level security
 * on Supabase. For server-side jobs that act for no single user; never for a user's request.
 */
export function asService(db: DatabaseClient): DatabaseClient {
  return scopedHandle(db, 'asService()', SERVICE_ROLE, JSON.stringify({ role: SERVICE_ROLE }));
}
