/** npm run db:seed -- [provider] [--count N] [--seed S] [--reset] — deterministic catalogue data, idempotent. */
import { createDatabaseClient, createRepositories, getCurrentProvider, isProviderName, PROVIDER_NAMES, seedDatabase } from '../db';
import { parseStrict, runScript, UsageError } from './cli';
import { printTable, progressBar } from './progress';

const USAGE = `Usage: npm run db:seed -- [provider] [--count N] [--seed S] [--reset]
  provider   one of ${PROVIDER_NAMES.join(', ')} (default: the current provider)
  --count N  number of books (default 10, the curated catalogue); authors, users and reading entries scale with it
  --seed S   seed of the generator: the same seed gives the same rows on every provider (default 1)
  --reset    delete all catalogue rows first`;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a non-negative integer (got "${value}")`);
  return n;
}

runScript(USAGE, async (argv) => {
  const parsed = parseStrict(argv, { count: { type: 'string' }, seed: { type: 'string' }, reset: { type: 'boolean' } }, 1);
  const [target] = parsed.positionals;
  if (target !== undefined && !isProviderName(target)) throw new UsageError(`unknown provider "${target}"`);
  const provider = target ?? getCurrentProvider().provider;
  const db = createDatabaseClient(provider);
  try {
    const started = performance.now();
    const added = await seedDatabase(db, {
      count: positive('--count', parsed.values.count, 10),
      seed: positive('--seed', parsed.values.seed, 1),
      reset: parsed.values.reset ?? false,
      onProgress: progressBar(),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const repos = createRepositories(db);
    console.log(`${provider}: seeded in ${seconds} s (${db.target})`);
    printTable(
      ['table', 'added', 'total'],
      [
        ['authors', added.authors, await repos.authors.count({}, { withDeleted: true })],
        ['books', added.books, await repos.books.count({}, { withDeleted: true })],
        ['users', added.users, await repos.users.count({}, { withDeleted: true })],
        ['user_books', added.userBooks, await repos.userBooks.count()],
      ],
    );
  } finally {
    await db.close();
  }
});
