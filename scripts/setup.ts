/** npm run db:setup — migrate and seed the current provider (the SQLite file when nothing is configured). */
import { createDatabaseClient, getCurrentProvider, isProviderName, PROVIDER_NAMES, runMigrations, seedDatabase } from '../db';
import { parseStrict, runScript, UsageError } from './cli';

const USAGE = `Usage: npm run db:setup -- [provider]
  Applies pending migrations and seeds the provider (default: the current one: DB_PROVIDER, a provider URL,
  or the SQLite default).
  provider  one of ${PROVIDER_NAMES.join(', ')}`;

runScript(USAGE, async (args) => {
  const [target] = parseStrict(args, {}, 1).positionals;
  if (target !== undefined && !isProviderName(target)) throw new UsageError(`unknown provider "${target}"`);
  const { provider, reason } = target ? { provider: target, reason: 'given on the command line' } : getCurrentProvider();
  console.log(`provider: ${provider} (${reason})`);
  const { applied } = await runMigrations(provider);
  console.log(`migrations: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  const db = createDatabaseClient(provider);
  try {
    const added = await seedDatabase(db);
    console.log(`seed: added authors ${added.authors}, books ${added.books}, users ${added.users}, user_books ${added.userBooks}`);
  } finally {
    await db.close();
  }
});
