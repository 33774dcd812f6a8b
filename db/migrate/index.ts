/**
 * runMigrations / getMigrationStatus: library functions the db:migrate and db:status scripts call.
 * Given a provider name they open (and close) their own connection; given a handle they use it.
 */
import type { DatabaseClient } from '../client';
import type { ProviderName } from '../env';
import { MigrationError } from '../errors';
import { openDirectClient } from '../factory';
import { internalsOf } from '../internals';
import { migrationsFolder, planMigrations, readMigrationFiles } from './journal';

export interface MigrationStatus {
  provider: ProviderName;
  applied: string[];
  pending: string[];
  /** Applied migrations whose file changed since. */
  modified: string[];
  /** Hashes recorded in the database that no file matches. */
  unknown: string[];
  /** Tags recorded more than once. */
  duplicates: string[];
  /** When each applied migration was generated (the journal's `when`), by tag. */
  generatedAt: Record<string, Date>;
}

export interface MigrateOptions {
  /** Another migrations folder (tests, tools); default drizzle/migrations/<provider>. */
  folder?: string;
}

async function withClient<T>(target: ProviderName | DatabaseClient, fn: (db: DatabaseClient) => Promise<T>): Promise<T> {
  if (typeof target !== 'string') return fn(target);
  const db = openDirectClient(target);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Applies every pending migration of the provider; returns the tags applied now (empty when up to date). */
export async function runMigrations(target: ProviderName | DatabaseClient, options: MigrateOptions = {}): Promise<{ applied: string[] }> {
  return withClient(target, async (db) => {
    if (db.capabilities.transactionPooler) {
      throw new MigrationError('Migrations cannot run through a transaction pooler (the lock and DDL need one direct session): set SUPABASE_DIRECT_URL to the direct connection (port 5432)');
    }
    const folder = options.folder ?? migrationsFolder(db.provider);
    const files = readMigrationFiles(folder);
    return { applied: await internalsOf(db).dialect.migrate(db, files, folder) };
  });
}

/** Applied and pending migration tags of the provider, without changing anything. */
export async function getMigrationStatus(target: ProviderName | DatabaseClient, options: MigrateOptions = {}): Promise<MigrationStatus> {
  return withClient(target, async (db) => {
    const files = readMigrationFiles(options.folder ?? migrationsFolder(db.provider));
    const plan = planMigrations(files, await internalsOf(db).dialect.readHistory(db));
    return {
      provider: db.provider,
      applied: plan.applied.map((f) => f.tag),
      pending: plan.pending.map((f) => f.tag),
      modified: plan.modified.map((f) => f.tag),
      unknown: plan.unknown.map((r) => r.hash),
      duplicates: plan.duplicates.map((f) => f.tag),
      generatedAt: Object.fromEntries(files.map((f) => [f.tag, new Date(f.when)])),
    };
  });
}
