/**
 * npm run db:generate:<provider> — drizzle-kit generate, made strict. drizzle-kit prints an error and still
 * exits 0 when the schema module throws, so the schema is loaded here first: a construct with no faithful
 * SQLite form stops the run with exit 1 and a message naming table.column.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isProviderName, PROVIDER_NAMES, type ProviderName } from '../db';
import { feedMigrationNeeded, feedMigrationText } from '../db/change-feed/migration';
import { PROVIDERS } from '../db/providers';
import { parseStrict, runScript, UsageError } from './cli';

const USAGE = `Usage: tsx scripts/generate.ts <provider> [--config file]
  provider  one of ${PROVIDER_NAMES.join(', ')}; the config defaults to drizzle/<provider>.config.ts`;

async function schemaFiles(configFile: string): Promise<string[]> {
  const loaded = (await import(pathToFileURL(resolve(configFile)).href)) as { default?: { schema?: string | string[] } };
  const schema = loaded.default?.schema;
  return schema === undefined ? [] : Array.isArray(schema) ? schema : [schema];
}

/** Adds the change feed's migration (db/change-feed/migration.ts) when the folder's newest one is out of date. */
async function writeFeedMigration(provider: ProviderName, configFile: string): Promise<number> {
  const loaded = (await import(pathToFileURL(resolve(configFile)).href)) as { default?: { out?: string } };
  const folder = resolve(loaded.default?.out ?? `drizzle/migrations/${provider}`);
  const family = PROVIDERS[provider].family;
  const reason = feedMigrationNeeded(folder, family);
  if (!reason) return 0;
  const kit = spawnSync('npx', ['drizzle-kit', 'generate', '--custom', '--name', 'change_feed', '--config', configFile], { stdio: 'inherit' });
  if (kit.status !== 0) return kit.status ?? 1;
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const tag = journal.entries.at(-1)!.tag;
  writeFileSync(join(folder, `${tag}.sql`), feedMigrationText(family));
  console.log(`change feed: wrote ${tag}.sql (${reason})`);
  return 0;
}

runScript(USAGE, async (args) => {
  const parsed = parseStrict(args, { config: { type: 'string' } }, 1);
  const [provider] = parsed.positionals;
  if (!provider || !isProviderName(provider)) throw new UsageError(`give a provider: ${PROVIDER_NAMES.join(', ')}`);
  const config = parsed.values.config ?? `drizzle/${provider}.config.ts`;
  for (const file of await schemaFiles(config)) {
    await import(pathToFileURL(resolve(file)).href);
  }
  const kit = spawnSync('npx', ['drizzle-kit', 'generate', '--config', config], { stdio: 'inherit' });
  if (kit.status !== 0) return kit.status ?? 1;
  return writeFeedMigration(provider, config);
});
