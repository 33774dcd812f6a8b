/** What db.subscribe() takes and gives: events, options and their validation. */
import { ValidationError } from '../errors';
import { decodeCursor } from './cursor';
import { FED_TABLES, type FedTable, type FedTableKey } from './tables';
import { CHANGE_OPS, type ChangeOp } from './types';

/** One committed change. `key` holds the primary key fields; read the row through a repository if you need it. */
export interface ChangeEvent<K extends FedTableKey = FedTableKey> {
  table: K;
  op: ChangeOp;
  key: Record<string, unknown>;
  /** When it was numbered: at commit on Postgres (the server's clock), at the write on SQLite (one writer at a time). */
  at: Date;
  /** Pass as `since` to resume right after this event. */
  cursor: string;
}

export interface SubscribeOptions {
  /** Which ops reach the handler (default all three); the cursor moves past the others. */
  events?: readonly ChangeOp[];
  /** Resume after this cursor (an event's `cursor`); without it, changes committed after subscribe() resolves. */
  since?: string;
  /** Milliseconds between reads of the log when nothing wakes the reader (default 1000 with LISTEN, else 200). */
  pollInterval?: number;
  /**
   * Told about every failure: a handler that threw (the same event is offered again after a backoff), a read
   * that failed (retried), and a ChangeFeedError that ends the subscription. Default: one line on stderr.
   */
  onError?: (error: Error, event?: ChangeEvent) => void;
}

/** Stops delivery; resolves once no handler call is running and none will start. */
export type Unsubscribe = () => Promise<void>;

/** Narrows the events a scoped handle may see (db/change-feed/visibility.ts). */
export type VisibilityFilter = (table: FedTable, events: ChangeEvent[]) => Promise<ChangeEvent[]>;

/** The options, validated: a wrong one is a ValidationError naming it. */
export function readOptions(options: SubscribeOptions) {
  if (typeof options !== 'object' || options === null) throw new ValidationError('subscribe options', [{ path: 'options', message: 'must be an object' }]);
  const events = options.events ?? CHANGE_OPS;
  if (!Array.isArray(events) || events.length === 0 || !events.every((e) => CHANGE_OPS.includes(e))) {
    throw new ValidationError('subscribe options', [{ path: 'events', message: `must be a non-empty list of ${CHANGE_OPS.join(', ')}` }]);
  }
  const positive = (value: unknown, path: string, fallback: number) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ValidationError('subscribe options', [{ path, message: 'must be a positive number' }]);
    return value;
  };
  if (options.onError !== undefined && typeof options.onError !== 'function') throw new ValidationError('subscribe options', [{ path: 'onError', message: 'must be a function' }]);
  return {
    events: new Set(events),
    since: options.since === undefined ? undefined : decodeCursor(options.since, 'since'),
    pollInterval: options.pollInterval === undefined ? undefined : positive(options.pollInterval, 'pollInterval', 0),
    onError: options.onError ?? ((error: Error) => process.stderr.write(`change feed: ${error.message}\n`)),
  };
}

/** The fed table exported as `table`, or a ValidationError saying how to feed it. */
export function fedTableOf(table: unknown): FedTable {
  const found = FED_TABLES.find((t) => t.key === table);
  if (!found) {
    const fed = FED_TABLES.map((t) => t.key).join(', ') || 'none';
    throw new ValidationError('subscribe', [{ path: 'table', message: `is not a fed table (fed: ${fed}); add it to feedChangesOf(…) in db/schema.ts and run npm run db:generate:all` }]);
  }
  return found;
}
