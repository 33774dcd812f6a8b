/** pruneChangeFeed: drops change log entries older than the retention window (run it daily: npm run db:feed:prune). */
import type { DatabaseClient } from '../client';
import { ValidationError } from '../errors';
import { internalsOf } from '../internals';

/** How long the log keeps entries unless told otherwise: a subscriber away for longer must refetch. */
export const DEFAULT_RETENTION_DAYS = 7;

export interface PruneReport {
  /** Log entries deleted (on Postgres one entry holds up to 1000 rows of one statement). */
  deleted: number;
}

/** Deletes change log entries committed more than `retentionDays` ago (default 7). */
export async function pruneChangeFeed(db: DatabaseClient, options: { retentionDays?: number } = {}): Promise<PruneReport> {
  const days = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  if (typeof days !== 'number' || !Number.isFinite(days) || days < 0) throw new ValidationError('pruneChangeFeed', [{ path: 'retentionDays', message: 'must be a number of days, 0 or more' }]);
  return internalsOf(db).dialect.feed.prune(db, new Date(Date.now() - days * 86_400_000));
}
