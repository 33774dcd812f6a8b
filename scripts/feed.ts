/**
 * npm run db:feed -- tail <table> [--since cursor]   prints each committed change as a JSON line until Ctrl-C
 * npm run db:feed -- prune [--days N]                 deletes change log entries older than N days (default 7)
 * Both use the current provider (see README, "Change feed").
 */
import { ChangeFeedError, createDefaultClient, DEFAULT_RETENTION_DAYS, FED_TABLES, type FedTableKey, pruneChangeFeed } from '../db';
import { parseStrict, runScript, UsageError } from './cli';

const USAGE = `Usage: npm run db:feed -- tail <table> [--since cursor]
       npm run db:feed -- prune [--days N]
  table   a fed table: ${FED_TABLES.map((t) => t.key).join(', ') || '(none: add feedChangesOf(…) to db/schema.ts)'}
  --since resume after this cursor (an event's cursor)
  --days  keep this many days of log (default ${DEFAULT_RETENTION_DAYS})`;

runScript(USAGE, async (args) => {
  const parsed = parseStrict(args, { since: { type: 'string' }, days: { type: 'string' } }, 2);
  const [command, table] = parsed.positionals;
  const db = createDefaultClient();
  if (command === 'prune') {
    const days = parsed.values.days === undefined ? DEFAULT_RETENTION_DAYS : Number(parsed.values.days);
    if (!Number.isFinite(days) || days < 0) throw new UsageError('--days takes a number of days, 0 or more');
    try {
      const report = await pruneChangeFeed(db, { retentionDays: days });
      console.log(`pruned ${report.deleted} change log entries older than ${days} day(s); older cursors can no longer resume`);
    } finally {
      await db.close();
    }
    return 0;
  }
  if (command !== 'tail' || !table) throw new UsageError('give a command: tail <table> or prune');
  const since = parsed.values.since;
  let ended: ChangeFeedError | undefined;
  let end = () => undefined as void;
  const onError = (error: Error) => {
    console.error(`error: ${error.message}`);
    // A subscription that cannot go on without a gap ends: so does the command, with exit code 1.
    if (error instanceof ChangeFeedError) (ended = error), end();
  };
  const stop = await db.subscribe(table as FedTableKey, (event) => console.log(JSON.stringify(event)), { onError, ...(since === undefined ? {} : { since }) });
  console.error(`listening to ${table} on ${db.provider}; Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    end = resolve;
    process.once('SIGINT', resolve);
  });
  await stop();
  await db.close();
  return ended ? 1 : 0;
});
