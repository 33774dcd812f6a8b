/** npm run db:restore -- <file> [--to provider] [--truncate] — loads a db:backup snapshot, one transaction, verified. */
import { getCurrentProvider, isProviderName, openDirectClient, PROVIDER_NAMES, restoreDatabase } from '../db';
import { parseCommandLine, runScript, UsageError } from './cli';
import { printTable, progressReporter } from './progress';

const USAGE = `Usage: npm run db:restore -- <file> [--to provider] [--truncate] [--batch-size N] [--progress]
  Loads a snapshot written by npm run db:backup into a database that holds the tables and columns of
  db/schema.ts (all its migrations applied), in ONE transaction (a bad file or a failure leaves the target as it was), then compares row counts and
  checksums with the snapshot's; exit 1 on any difference.
  --to PROVIDER   one of ${PROVIDER_NAMES.join(', ')} (default: the current provider)
  --truncate      replace the target's rows (default: refuse a target that has rows)
  --batch-size N  rows per write (default 1000)
  --progress      print progress lines even when stderr is not a terminal`;

runScript(USAGE, async (argv) => {
  const parsed = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: { to: { type: 'string' }, truncate: { type: 'boolean' }, 'batch-size': { type: 'string' }, progress: { type: 'boolean' } },
  });
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give exactly one snapshot file' : 'the snapshot file is required');
  if (values.to !== undefined && !isProviderName(values.to)) throw new UsageError(`--to: unknown provider "${values.to}"`);
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new UsageError('--batch-size must be a positive integer');
  const file = positionals[0]!;
  const provider = values.to ?? getCurrentProvider().provider;

  const db = openDirectClient(provider);
  try {
    console.log(`restore: ${file} -> ${provider} (${db.target})`);
    const report = await restoreDatabase(db, file, { truncate: values.truncate ?? false, batchSize, onProgress: progressReporter(values.progress ?? false) });
    const { header } = report;
    console.log(`snapshot of ${header.provider} taken ${header.createdAt}${header.schema ? ` (schema ${header.schema})` : ''}`);
    printTable(
      ['table', 'snapshot rows', 'target rows', 'snapshot sha256', 'target sha256', 'result'],
      report.tables.map((t) => [t.table, t.sourceRows, t.targetRows, t.sourceChecksum.slice(0, 12), t.targetChecksum.slice(0, 12), t.match ? 'ok' : 'DIFFERENT']),
    );
    if (!report.ok) {
      console.error(
        `error: the target differs from the snapshot in ${report.tables
          .filter((t) => !t.match)
          .map((t) => t.table)
          .join(', ')}`,
      );
      return 1;
    }
    console.log(`restored ${report.tables.reduce((n, t) => n + t.targetRows, 0)} rows in ${(report.ms / 1000).toFixed(2)} s; row counts and checksums match`);
  } finally {
    await db.close();
  }
});
