/**
 * npm run bench — our code side by side with the raw drivers, in one process run, printed as ratios.
 * BENCH_ITERATIONS sets the per-round count (default 5000); BENCH_PROVIDERS=sqlite,local picks the
 * providers; each provider's run ends with the change feed's write overhead (bench/feed.ts). Never used as
 * a test assertion: these machines are shared and noisy.
 */
import { benchFeed } from './feed';
import { benchPostgres } from './postgres';
import { benchSqlite } from './sqlite';

const iterations = Number(process.env.BENCH_ITERATIONS ?? 5000);
const providers = (process.env.BENCH_PROVIDERS ?? 'sqlite,local').split(',');
if (providers.includes('sqlite')) {
  await benchSqlite(iterations);
  await benchFeed('sqlite', iterations);
}
if (providers.includes('local')) {
  await benchPostgres(Math.floor(iterations / 5));
  await benchFeed('local', Math.floor(iterations / 5));
}
