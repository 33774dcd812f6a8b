/** npm run db:health -- [provider] [--json] — exit 0 when reachable and migrated, 1 otherwise. */
import { createDatabaseClient, getCurrentProvider, healthReport, isProviderName, PROVIDER_NAMES } from '../db';
import { parseStrict, runScript, UsageError } from './cli';

const USAGE = `Usage: npm run db:health -- [provider] [--json]
  provider  one of ${PROVIDER_NAMES.join(', ')} (default: the current provider)
  --json    one JSON object on stdout (for container health checks and monitors)`;

runScript(USAGE, async (args) => {
  const parsed = parseStrict(args, { json: { type: 'boolean' } }, 1);
  const json = parsed.values.json === true;
  const [target] = parsed.positionals;
  if (target !== undefined && !isProviderName(target)) throw new UsageError(`unknown provider "${target}"`);
  const db = createDatabaseClient(target ?? getCurrentProvider().provider);
  try {
    const report = await healthReport(db);
    if (json) console.log(JSON.stringify(report));
    else {
      console.log(`provider     ${report.provider} (${report.target})`);
      console.log(`reachable    ${report.reachable ? 'yes' : 'no'}${report.reachable ? `, ${report.latencyMs} ms` : ''}`);
      console.log(`migrations   ${report.migrationsUpToDate === null ? 'unknown' : report.migrationsUpToDate ? 'up to date' : `pending: ${report.pendingMigrations.join(', ')}`}`);
      console.log(`pool size    ${report.poolMax}`);
      if (report.error) console.log(`error        ${report.error}`);
      console.log(`status       ${report.ok ? 'healthy' : 'UNHEALTHY'}`);
    }
    return report.ok ? 0 : 1;
  } finally {
    await db.close().catch(() => undefined);
  }
});
