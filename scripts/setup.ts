/** npm run db:setup — migrate and seed the current provider (the SQLite file when nothing is configured). */
import { createDatabaseClient, getCurrentProvider, runMigrations, seedDatabase } from '../db';
import { runScript } from './cli';

const USAGE = `Usage: npm run db:setup
  Applies pending migrations and seeds the current provider (${'DB_PROVIDER'}, a provider URL, or the SQLite default).`;

runScript(USAGE, async () => {
  const { provider, reason } = getCurrentProvider();
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
