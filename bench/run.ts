/**
 * npm run bench — our code side by side with the raw drivers, in one process run, printed as ratios.
 * BENCH_ITERATIONS sets the per-round count (default 5000). Never used as a test assertion.
 */
import { benchSqlite } from './sqlite';

const iterations = Number(process.env.BENCH_ITERATIONS ?? 5000);
await benchSqlite(iterations);
