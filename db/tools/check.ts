/**
 * db:check, three questions with readable answers:
 *  1. does db/schema.ts have changes that no migration captures yet (per provider; a CI guard)?
 *  2. does the database disagree with the migration history (pending, modified, unknown, duplicated)?
 *  3. do the live tables differ from the schema: columns, their types, nullability and defaults, keys,
 *     foreign keys with their actions, indexes and checks (what `drizzle-kit push` would change)?
 * On a handle with row-level security, question 3 also covers the policies (see rls-check.ts).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DatabaseClient } from '../client';
import type { ProviderName } from '../env';
import { feedMigrationNeeded } from '../change-feed/migration';
import { FED_TABLES } from '../change-feed/tables';
import { PROVIDERS } from '../providers';
import { internalsOf } from '../internals';
import { getMigrationStatus } from '../migrate';
import { migrationsFolder } from '../migrate/journal';
import { expectedCatalogue } from './catalogue';
import { columnProblems, tableProblems } from './compare';
import { checkRowLevelSecurity } from './rls-check';

interface KitConfig {
  dialect: string;
  schema: string | string[];
}

/** Problems of question 1 for `provider`: drizzle-kit generate, run into a scratch copy of its folder. */
export async function checkSchemaCaptured(provider: ProviderName, options: { folder?: string } = {}): Promise<string[]> {
  const folder = options.folder ?? migrationsFolder(provider);
  const configUrl = pathToFileURL(join(migrationsFolder(provider), '..', '..', `${provider}.config.ts`)).href;
  const config = ((await import(configUrl)) as { default: KitConfig }).default;
  // A schema that cannot be derived fails here, by name.
  for (const file of [config.schema].flat()) await import(pathToFileURL(file).href);
  const scratch = mkdtempSync(join(tmpdir(), `db-check-${provider}-`));
  const out = join(scratch, 'migrations');
  try {
    cpSync(folder, out, { recursive: true });
    const before = readdirSync(out).length;
    // The provider's own config (schema files, role handling) with only `out` moved to the scratch copy.
    const scratchConfig = join(scratch, 'drizzle.config.ts');
    writeFileSync(scratchConfig, `export default ${JSON.stringify({ ...config, out: relative(process.cwd(), out) })};\n`);
    const kit = spawnSync('npx', ['drizzle-kit', 'generate', '--config', scratchConfig], { encoding: 'utf8' });
    if (kit.status !== 0) return [`${provider}: drizzle-kit generate failed: ${(kit.stderr || kit.stdout).trim().split('\n').at(-1)}`];
    const problems = readdirSync(out).length > before ? [`${provider}: db/schema.ts has changes with no migration yet: run npm run db:generate:${provider} and commit the result`] : [];
    const feed = feedMigrationNeeded(folder, PROVIDERS[provider].family);
    if (feed) problems.push(`${provider}: the change feed's migration is out of date (${feed}): run npm run db:generate:${provider} and commit the result`);
    return problems;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Problems of questions 2 and 3 for a database. */
export async function checkDatabase(db: DatabaseClient, options: { folder?: string } = {}): Promise<string[]> {
  const problems: string[] = [];
  const status = await getMigrationStatus(db, options);
  const name = db.provider;
  if (status.pending.length) problems.push(`${name}: ${status.pending.length} pending migration(s): ${status.pending.join(', ')} (npm run db:migrate:${name})`);
  for (const tag of status.modified) problems.push(`${name}: migration ${tag} changed after it was applied`);
  for (const hash of status.unknown) problems.push(`${name}: an applied migration (hash ${hash.slice(0, 12)}) has no file in this checkout`);
  for (const tag of status.duplicates) problems.push(`${name}: migration ${tag} is recorded more than once`);
  if (status.pending.length) return problems; // the live structure is expected to lag behind
  const { dialect } = internalsOf(db);
  for (const [table, expected] of Object.entries(expectedCatalogue())) {
    const actual = await dialect.readTable(db, table);
    problems.push(...tableProblems(name, table, expected, actual));
    problems.push(...columnProblems(name, table, dialect.expectedColumns(table), await dialect.readColumns(db, table)));
  }
  problems.push(...(await feedProblems(db)));
  if (db.capabilities.rowLevelSecurity) for (const finding of (await checkRowLevelSecurity(db)).findings) problems.push(`${name}: ${finding.message}`);
  return problems;
}

/** Fed tables whose capture triggers are missing from the database, and captured tables the schema no longer feeds. */
async function feedProblems(db: DatabaseClient): Promise<string[]> {
  const captured = await internalsOf(db).dialect.feed.capturedTables(db);
  const fed = FED_TABLES.map((t) => t.name);
  return [
    ...fed.filter((t) => !captured.includes(t)).map((t) => `${db.provider}: ${t} is in the change feed but its capture triggers are missing: run npm run db:generate:${db.provider}, then db:migrate`),
    ...captured.filter((t) => !fed.includes(t)).map((t) => `${db.provider}: ${t} has change feed triggers but is not in feedChangesOf(…): run npm run db:generate:${db.provider}, then db:migrate`),
  ];
}
