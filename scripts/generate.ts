/**
 * npm run db:generate:<provider> — drizzle-kit generate, made strict. drizzle-kit prints an error and still
 * exits 0 when the schema module throws, so the schema is loaded here first: a construct with no faithful
 * SQLite form stops the run with exit 1 and a message naming table.column.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isProviderName, PROVIDER_NAMES } from '../db';
import { parseStrict, runScript, UsageError } from './cli';

const USAGE = `Usage: tsx scripts/generate.ts <provider> [--config file]
  provider  one of ${PROVIDER_NAMES.join(', ')}; the config defaults to drizzle/<provider>.config.ts`;

async function schemaFiles(configFile: string): Promise<string[]> {
  const loaded = (await import(pathToFileURL(resolve(configFile)).href)) as { default?: { schema?: string | string[] } };
  const schema = loaded.default?.schema;
  return schema === undefined ? [] : Array.isArray(schema) ? schema : [schema];
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
  return kit.status ?? 1;
});
