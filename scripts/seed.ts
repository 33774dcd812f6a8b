/** npm run db:seed [provider] — writes the small deterministic catalogue (idempotent). */
import { createDatabaseClient, getCurrentProvider, isProviderName, PROVIDER_NAMES, seedDatabase } from '../db';
import { runScript, UsageError } from './cli';

const USAGE = `Usage: tsx scripts/seed.ts [provider]
  provider  one of ${PROVIDER_NAMES.join(', ')} (default: the current provider)`;

runScript(USAGE, async ([target]) => {
  if (target !== undefined && !isProviderName(target)) throw new UsageError(`unknown provider "${target}"`);
  const provider = target ?? getCurrentProvider().provider;
  const db = createDatabaseClient(provider);
  try {
    const added = await seedDatabase(db);
    console.log(`${provider}: seeded (${db.target}); rows added: authors ${added.authors}, books ${added.books}, users ${added.users}, user_books ${added.userBooks}`);
  } finally {
    await db.close();
  }
});
