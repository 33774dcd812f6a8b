/**
 * Row-level security for Supabase, next to the tables of db/schema.ts it protects. Only the supabase
 * drizzle-kit config reads this file, so the policies appear in drizzle/migrations/supabase alone; SQLite,
 * local and neon never see them. drizzle-kit enables RLS on every table that has a policy here.
 *
 * Rules the workspace holds every policy to (db:check on supabase reports each one broken):
 * - every table in `public` has RLS on and at least one policy (a table added to the schema without one
 *   is a finding, not a silently public table);
 * - `auth.uid()` is written as `(select auth.uid())` (`authUid`), so Postgres evaluates it once per
 *   statement instead of once per row;
 * - every UPDATE policy states its WITH CHECK (Postgres would reuse USING): an updated row must still be
 *   the user's own, so nobody hands a row to someone else;
 * - one permissive policy per role and action.
 *
 * The service role (`service_role`) bypasses RLS on Supabase; the write policies for it below say the
 * intent out loud and keep holding if that bypass is ever removed.
 */
import { sql, type SQL } from 'drizzle-orm';
import { pgPolicy, type PgColumn } from 'drizzle-orm/pg-core';
import { anonRole, authenticatedRole, authUid, serviceRole } from 'drizzle-orm/supabase';
import { authors, books, userBooks, users } from './schema';

/** True for rows whose owner column is the signed-in user. */
const ownedBy = (owner: PgColumn): SQL => sql`${owner} = ${authUid}`;

// users: a signed-in user reads and updates their own row; creating and deleting users is the service's job.
export const usersSelectOwn = pgPolicy('users_select_own', { for: 'select', to: authenticatedRole, using: ownedBy(users.id) }).link(users);
export const usersUpdateOwn = pgPolicy('users_update_own', {
  for: 'update',
  to: authenticatedRole,
  using: ownedBy(users.id),
  withCheck: ownedBy(users.id),
}).link(users);
export const usersServiceAll = pgPolicy('users_service_all', { for: 'all', to: serviceRole, using: sql`true`, withCheck: sql`true` }).link(users);

// user_books: a signed-in user reads and writes only their own shelf.
export const userBooksSelectOwn = pgPolicy('user_books_select_own', { for: 'select', to: authenticatedRole, using: ownedBy(userBooks.userId) }).link(userBooks);
export const userBooksInsertOwn = pgPolicy('user_books_insert_own', { for: 'insert', to: authenticatedRole, withCheck: ownedBy(userBooks.userId) }).link(userBooks);
export const userBooksUpdateOwn = pgPolicy('user_books_update_own', {
  for: 'update',
  to: authenticatedRole,
  using: ownedBy(userBooks.userId),
  withCheck: ownedBy(userBooks.userId),
}).link(userBooks);
export const userBooksDeleteOwn = pgPolicy('user_books_delete_own', { for: 'delete', to: authenticatedRole, using: ownedBy(userBooks.userId) }).link(userBooks);
export const userBooksServiceAll = pgPolicy('user_books_service_all', { for: 'all', to: serviceRole, using: sql`true`, withCheck: sql`true` }).link(userBooks);

// authors and books: the public catalogue. Anyone reads it; only the service writes it.
export const authorsReadable = pgPolicy('authors_read', { for: 'select', to: [anonRole, authenticatedRole], using: sql`true` }).link(authors);
export const authorsServiceAll = pgPolicy('authors_service_all', { for: 'all', to: serviceRole, using: sql`true`, withCheck: sql`true` }).link(authors);
export const booksReadable = pgPolicy('books_read', { for: 'select', to: [anonRole, authenticatedRole], using: sql`true` }).link(books);
export const booksServiceAll = pgPolicy('books_service_all', { for: 'all', to: serviceRole, using: sql`true`, withCheck: sql`true` }).link(books);
