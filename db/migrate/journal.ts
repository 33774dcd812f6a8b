/**
 * Reads drizzle-kit's migration folder (meta/_journal.json + <tag>.sql) and compares it with what a
 * database has recorded. Applied migrations are matched by hash (sha256 of the .sql file, as drizzle
 * records it), never by "newest created_at", so a migration merged from another branch is not skipped.
 *
 * History rows keep drizzle 0.x's columns exactly (`hash`, `created_at` = the journal's `when`) and add the
 * migration's tag in a column named `tag`. Not `name`: drizzle 1.0's migrator treats a table WITHOUT a
 * `name` column as a 0.x history and upgrades it itself (matching each row by created_at to the second,
 * else by hash; refusing rather than re-applying a row it cannot match), while a table that HAS `name`
 * is trusted as is and any row whose name is not the 1.0 folder name is re-applied. See the README,
 * "Upgrading to drizzle 1.0".
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ProviderName } from '../env';
import { toDbError } from '../error-mapping';
import { MigrationError } from '../errors';

/** One migration as drizzle-kit wrote it. */
export interface MigrationFile {
  tag: string;
  /** The journal's `when` (ms); drizzle stores it as created_at. */
  when: number;
  hash: string;
  statements: string[];
}

/** One row of the migrations table. */
export interface AppliedRow {
  hash: string;
  createdAt: number;
  /** The migration's tag (`0000_name`), recorded by this runner; absent on rows written before it did. */
  tag?: string | undefined;
}

const journalSchema = z.object({
  entries: z.array(z.object({ idx: z.number(), when: z.number(), tag: z.string() })),
});

/** The committed migrations folder of `provider`. */
export function migrationsFolder(provider: ProviderName): string {
  return fileURLToPath(new URL(`../../drizzle/migrations/${provider}`, import.meta.url));
}

/** Reads every migration in journal order; a missing or corrupt journal is a MigrationError. */
export function readMigrationFiles(folder: string): MigrationFile[] {
  let raw: string;
  try {
    raw = readFileSync(join(folder, 'meta', '_journal.json'), 'utf8');
  } catch {
    throw new MigrationError(`No migration journal in ${folder}: run the matching npm run db:generate:<provider>`);
  }
  const journal = journalSchema.safeParse(JSON.parse(raw));
  if (!journal.success) throw new MigrationError(`The migration journal in ${folder} is malformed`);
  return journal.data.entries
    .sort((a, b) => a.idx - b.idx)
    .map((entry) => {
      const text = readFileSync(join(folder, `${entry.tag}.sql`), 'utf8');
      return {
        tag: entry.tag,
        when: entry.when,
        hash: createHash('sha256').update(text).digest('hex'),
        statements: text
          .split('--> statement-breakpoint')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    });
}

/** How the journal and the recorded rows relate. */
export interface MigrationPlan {
  applied: MigrationFile[];
  pending: MigrationFile[];
  /** Applied (same `when`) but the file changed since: its hash differs. */
  modified: MigrationFile[];
  /** Recorded in the database but absent from the journal. */
  unknown: AppliedRow[];
  /** Applied migrations recorded more than once (a race the lock should make impossible). */
  duplicates: MigrationFile[];
}

/** Compares journal and database. */
export function planMigrations(files: MigrationFile[], rows: AppliedRow[]): MigrationPlan {
  const hashes = new Set(rows.map((r) => r.hash));
  const byWhen = new Map(rows.map((r) => [r.createdAt, r]));
  const known = new Set(files.map((f) => f.hash));
  const plan: MigrationPlan = { applied: [], pending: [], modified: [], unknown: [], duplicates: [] };
  for (const file of files) {
    if (rows.filter((r) => r.hash === file.hash).length > 1) plan.duplicates.push(file);
    if (hashes.has(file.hash)) plan.applied.push(file);
    else if (byWhen.has(file.when)) plan.modified.push(file);
    else plan.pending.push(file);
  }
  const modifiedWhens = new Set(plan.modified.map((f) => f.when));
  plan.unknown = rows.filter((r) => !known.has(r.hash) && !modifiedWhens.has(r.createdAt));
  return plan;
}

/** Throws when the history cannot be trusted: a changed file or a record with no file. */
export function assertConsistent(plan: MigrationPlan, folder: string): void {
  const first = plan.modified[0];
  if (first) {
    throw new MigrationError(`Migration ${first.tag}.sql in ${folder} changed after it was applied (hash mismatch): restore the file and put the change in a new migration`);
  }
  if (plan.unknown.length > 0) {
    throw new MigrationError(`The database has ${plan.unknown.length} applied migration(s) that are not in ${folder}: is this the right database and branch?`);
  }
}

/** A MigrationError that names the migration, the statement number and its first line. */
export function failedStatement(file: MigrationFile, index: number, statement: string, error: unknown): MigrationError {
  const firstLine = statement.split('\n')[0]?.slice(0, 120) ?? '';
  const mapped = toDbError(error, `migration ${file.tag}`);
  const reason = mapped.message;
  return new MigrationError(`Migration ${file.tag} failed at statement ${index + 1} of ${file.statements.length} (${firstLine}): ${reason}. Nothing from this run was applied.`, mapped);
}
