/** npm run db:migrate[:provider|:all] — applies pending migrations. */
import { getCurrentProvider, isProviderName, PROVIDER_NAMES, runMigrations, validateProviderConfig, type ProviderName } from '../db';
import { parseStrict, runScript, UsageError } from './cli';

const USAGE = `Usage: tsx scripts/migrate.ts [provider|all]
  provider  one of ${PROVIDER_NAMES.join(', ')} (default: the current provider, see DB_PROVIDER)
  all       every configured provider; unconfigured ones are listed as skipped`;

async function migrateOne(provider: ProviderName): Promise<void> {
  const { applied } = await runMigrations(provider);
  console.log(`${provider}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date, nothing to apply'}`);
}

runScript(USAGE, async (args) => {
  const [target] = parseStrict(args, {}, 1).positionals;
  if (target === 'all') {
    let failed = 0;
    for (const provider of PROVIDER_NAMES) {
      const check = validateProviderConfig(provider);
      if (!check.ok) {
        console.log(`${provider}: skipped (${check.problems.join('; ')})`);
        continue;
      }
      try {
        await migrateOne(provider);
      } catch (error) {
        failed++;
        console.error(`${provider}: failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return failed ? 1 : 0;
  }
  if (target !== undefined && !isProviderName(target)) throw new UsageError(`unknown provider "${target}"`);
  const provider = target ?? getCurrentProvider().provider;
  await migrateOne(provider);
});
