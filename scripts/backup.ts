/** npm run db:backup -- [--out file] [--from provider] — a portable, compressed snapshot of every table. */
import { join } from 'node:path';
import { backupDatabase, getCurrentProvider, isProviderName, openDirectClient, PROVIDER_NAMES } from '../db';
import { parseCommandLine, runScript, UsageError } from './cli';
import { printTable, progressReporter } from './progress';

const USAGE = `Usage: npm run db:backup -- [--out file] [--from provider] [--batch-size N] [--progress]
  Writes every row of every table (soft-deleted rows too, one consistent snapshot) to a gzip file of
  JSON lines that npm run db:restore loads into any provider holding the same tables and columns.
  --out FILE       where to write (default data/backups/<provider>-<UTC time>.ndjson.gz); appears only when complete
  --from PROVIDER  one of ${PROVIDER_NAMES.join(', ')} (default: the current provider)
  --batch-size N   rows per read (default 1000)
  --progress       print progress lines even when stderr is not a terminal`;

runScript(USAGE, async (argv) => {
  const { values } = parseCommandLine({ args: argv, options: { out: { type: 'string' }, from: { type: 'string' }, 'batch-size': { type: 'string' }, progress: { type: 'boolean' } } });
  if (values.from !== undefined && !isProviderName(values.from)) throw new UsageError(`--from: unknown provider "${values.from}"`);
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new UsageError('--batch-size must be a positive integer');
  const provider = values.from ?? getCurrentProvider().provider;
  const out = values.out ?? join('data', 'backups', `${provider}-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson.gz`);

  const db = openDirectClient(provider);
  try {
    console.log(`backup: ${provider} (${db.target}) -> ${out}`);
    const report = await backupDatabase(db, { out, batchSize, onProgress: progressReporter(values.progress ?? false) });
    printTable(
      ['table', 'rows', 'sha256'],
      report.tables.map((t) => [t.table, t.rows, t.checksum.slice(0, 12)]),
    );
    console.log(`wrote ${report.file} (${report.bytes} bytes, schema ${report.schema}) in ${(report.ms / 1000).toFixed(2)} s; read back and verified`);
  } finally {
    await db.close();
  }
});
