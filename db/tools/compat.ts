/**
 * Whether a database can take part in a copy, backup or restore: its migrations are all applied, and its
 * live tables and columns are those of db/schema.ts. Two databases are compared by the schema they hold
 * (a fingerprint of tables and columns), not by how many migrations they applied, so a provider with
 * migrations of its own (supabase policies, say) still copies to and from the others.
 */
import { createHash } from 'node:crypto';
import { getTableColumns } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { DatabaseClient } from '../client';
import { MigrationError } from '../errors';
import { internalsOf } from '../internals';
import { getMigrationStatus } from '../migrate';
import { SCHEMA_TABLES } from '../tables';

/** Tables (SQL names) and their column names, sorted. */
export type SchemaShape = Record<string, string[]>;

/** The tables and columns db/schema.ts declares. */
export function declaredShape(): SchemaShape {
  return Object.fromEntries(
    SCHEMA_TABLES.map((t) => [
      t.name,
      Object.values(getTableColumns(t.declared) as Record<string, PgColumn>)
        .map((c) => c.name)
        .sort(),
    ]),
  );
}

/** A short stable hash of a shape (sha256 over sorted JSON, 16 hex digits). */
export function fingerprint(shape: SchemaShape): string {
  const sorted = Object.keys(shape)
    .sort()
    .map((t) => [t, [...shape[t]!].sort()]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

/** The first way `actual` differs from `expected`, in words, or undefined when they are the same. */
export function firstDifference(expected: SchemaShape, actual: SchemaShape): string | undefined {
  for (const [table, columns] of Object.entries(expected)) {
    const live = actual[table];
    if (!live || live.length === 0) return `table ${table} is missing`;
    const missing = columns.find((c) => !live.includes(c));
    if (missing) return `column ${table}.${missing} is missing`;
    const extra = live.find((c) => !columns.includes(c));
    if (extra) return `column ${table}.${extra} is not in db/schema.ts`;
  }
  const extraTable = Object.keys(actual).find((t) => !(t in expected));
  return extraTable ? `table ${extraTable} is not in db/schema.ts` : undefined;
}

/** The live tables and columns of the schema's tables in `client`. */
export async function liveShape(client: DatabaseClient): Promise<SchemaShape> {
  const { dialect } = internalsOf(client);
  const out: SchemaShape = {};
  for (const info of SCHEMA_TABLES) out[info.name] = Object.keys((await dialect.readTable(client, info.name)).columns).sort();
  return out;
}

/**
 * Throws MigrationError unless `client` has applied all its migrations and holds exactly the schema's
 * tables and columns; the message names the side (`role`), the first difference and the command to run.
 */
export async function assertMatchesSchema(role: string, client: DatabaseClient, folder?: string): Promise<string> {
  const status = await getMigrationStatus(client, folder === undefined ? {} : { folder });
  const p = client.provider;
  if (status.modified.length + status.unknown.length > 0) {
    throw new MigrationError(`The ${role} (${p}) has a migration history that does not match drizzle/migrations/${p}: see npm run db:status ${p}`);
  }
  if (status.pending.length > 0) {
    throw new MigrationError(`The ${role} (${p}) is behind: ${status.pending.length} pending migration(s); run npm run db:migrate:${p} first`);
  }
  const difference = firstDifference(declaredShape(), await liveShape(client));
  if (difference) {
    throw new MigrationError(
      `The ${role} (${p}) does not hold the schema of db/schema.ts: ${difference}. Run npm run db:generate:${p} and npm run db:migrate:${p} (npm run db:check shows every difference)`,
    );
  }
  return fingerprint(declaredShape());
}
