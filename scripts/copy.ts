/** npm run db:copy -- --from <provider> --to <provider> [--truncate] — every row, one transaction, verified. */
import { copyDatabase, isProviderName, openDirectClient, PROVIDER_NAMES } from '../db';
import { parseCommandLine, runScript, UsageError } from './cli';
import { printTable, progressReporter } from './progress';

const USAGE = `Usage: npm run db:copy -- --from <provider> --to <provider> [--truncate] [--batch-size N] [--progress]
  Copies every row of every table (soft-deleted rows too) into the target in ONE transaction, then
  compares row counts and checksums of both sides; exit 1 on any difference. Both databases must hold
  the tables and columns of db/schema.ts (all their migrations applied). Connections come from the usual
  variables (supabase: SUPABASE_DIRECT_URL when set).
  --from, --to    one of ${PROVIDER_NAMES.join(', ')}
  --truncate      replace the target's rows (default: refuse a target that has rows)
  --batch-size N  rows per read and per write (default 1000)
  --progress      print progress lines even when stderr is not a terminal`;

/** A progress bar on a terminal; plain lines when --progress asks for them elsewhere; nothing otherwise. */
runScript(USAGE, async (argv) => {
  const { values } = parseCommandLine({
    args: argv,
    options: { from: { type: 'string' }, to: { type: 'string' }, truncate: { type: 'boolean' }, 'batch-size': { type: 'string' }, progress: { type: 'boolean' } },
  });
  for (const side of ['from', 'to'] as const) {
    const name = values[side];
    if (name === undefined) throw new UsageError(`--${side} is required`);
    if (!isProviderName(name)) throw new UsageError(`--${side}: unknown provider "${name}"`);
  }
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new UsageError('--batch-size must be a positive integer');

  const from = openDirectClient(values.from!);
  try {
    const to = openDirectClient(values.to!);
    try {
      console.log(`copy: ${from.provider} (${from.target}) -> ${to.provider} (${to.target})`);
      const report = await copyDatabase({ from, to, truncate: values.truncate ?? false, batchSize, onProgress: progressReporter(values.progress ?? false) });
      printTable(
        ['table', 'source rows', 'target rows', 'source sha256', 'target sha256', 'result'],
        report.tables.map((t) => [t.table, t.sourceRows, t.targetRows, t.sourceChecksum.slice(0, 12), t.targetChecksum.slice(0, 12), t.match ? 'ok' : 'DIFFERENT']),
      );
      const rows = report.tables.reduce((n, t) => n + t.targetRows, 0);
      if (!report.ok) {
        console.error(
          `error: the target differs from the source in ${report.tables
            .filter((t) => !t.match)
            .map((t) => t.table)
            .join(', ')}`,
        );
        return 1;
      }
      console.log(`copied ${rows} rows in ${(report.ms / 1000).toFixed(2)} s; row counts and checksums match`);
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
});
