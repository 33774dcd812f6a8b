/**
 * Shared pieces of the per-provider drizzle-kit configs. drizzle-kit `generate` needs no database;
 * `studio` and `push` use the URL below, read from the same variables as the runtime factory.
 */
import { loadDotenv } from '../db/env';

loadDotenv(); // the same .env the library and scripts read

/** Where drizzle-kit writes the migrations of `provider`. */
export const migrationsDir = (provider: string) => `./drizzle/migrations/${provider}`;

/** Tables every Postgres provider reads from the one schema file. */
export const PG_SCHEMA = './db/schema.ts';

/** Row-level security policies linked to those tables: read by the supabase config only. */
export const SUPABASE_POLICIES = './db/policies.supabase.ts';

/** The URL drizzle-kit should use for `provider`, or a placeholder that fails loudly when used. */
export function urlFor(...names: string[]): string {
  for (const name of names) {
    const value = process.env[name];
    if (value) return value;
  }
  return `postgres://unset-${names[0]?.toLowerCase()}@127.0.0.1:1/unset`;
}
