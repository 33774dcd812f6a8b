/**
 * db.subscribe(): tails the durable change log (db/dialects/<family>/feed.ts) from a cursor, so a subscriber
 * that was away gets every committed change since, in commit order. Postgres NOTIFY, where the connection
 * can LISTEN, only wakes the reader early; the log is the truth, so a lost notification costs latency, never
 * an event.
 */
import type { DatabaseClient } from '../client';
import { ChangeFeedError, type DbError, ValidationError } from '../errors';
import { type ChangeEvent, fedTableOf, readOptions, type SubscribeOptions, type Unsubscribe, type VisibilityFilter } from './options';
import { toDbError } from '../error-mapping';
import { internalsOf } from '../internals';
import { decodeCursor, encodeCursor, type FeedPosition, isExpired } from './cursor';
import { FEED_CHANNEL, type FeedRow } from './types';
import type { FedTable, FedTableKey } from './tables';

export type { ChangeEvent, SubscribeOptions, Unsubscribe, VisibilityFilter } from './options';

const BATCH = 500;

/** The events of `rows` after `position`, one per key. */
function eventsOf(table: FedTable, rows: FeedRow[], position: FeedPosition): ChangeEvent[] {
  const events: ChangeEvent[] = [];
  for (const row of rows) {
    const last = row.keys.length - 1;
    row.keys.forEach((values, index) => {
      if (row.seq === position.seq && (position.index === undefined || index <= position.index)) return;
      const key = Object.fromEntries(table.primaryKey.map((field, i) => [field, values[i]]));
      const cursor = encodeCursor({ seq: row.seq, index: index === last ? undefined : index });
      events.push({ table: table.key as FedTableKey, op: row.op, key, at: row.at, cursor });
    });
  }
  return events;
}

const notInstalled = (error: DbError) => /change_feed/.test(error.message) && /does not exist|no such table/.test(error.message);
const backoff = (attempt: number) => Math.min(5000, 100 * 2 ** attempt);

/** Everything the subscriber needs from the handle it was called on. */
export interface FeedSource {
  /** Reads the log (unscoped: the log is not visible to a user's role). */
  reader: DatabaseClient;
  /** Set on a user-scoped handle. */
  visible?: VisibilityFilter;
}

/** See SubscribeOptions; the handle's `subscribe` calls this. */
export async function subscribe<K extends FedTableKey>(source: FeedSource, tableKey: K, handler: (event: ChangeEvent<K>) => unknown, options: SubscribeOptions = {}): Promise<Unsubscribe> {
  const table = fedTableOf(tableKey);
  if (typeof handler !== 'function') throw new ValidationError('subscribe', [{ path: 'handler', message: 'must be a function' }]);
  const settings = readOptions(options);
  const { reader } = source;
  const { dialect, connection } = internalsOf(reader);

  let bounds: { head: number; prunedThrough: number };
  try {
    bounds = await dialect.feed.bounds(reader);
  } catch (error) {
    const mapped = toDbError(error);
    if (notInstalled(mapped)) throw new ChangeFeedError('not-installed', `The change feed's log is missing on ${reader.provider}: run npm run db:migrate`, mapped);
    throw mapped;
  }
  let position: FeedPosition = settings.since ?? { seq: bounds.head, index: undefined };
  if (isExpired(position, bounds.prunedThrough)) throw expired(bounds.prunedThrough);
  if (position.seq > bounds.head) {
    throw new ChangeFeedError(
      'cursor-ahead',
      `The cursor is ahead of this database's change log (newest ${bounds.head}): it belongs to another database, or this one was restored; refetch, then subscribe without since`,
    );
  }

  let stopped = false;
  let poked = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    poked = true;
    wake?.();
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  let unlisten: (() => Promise<void>) | undefined;
  if (reader.capabilities.notifications && connection.listen) {
    try {
      unlisten = await connection.listen(FEED_CHANNEL, (payload) => payload === table.name && poke(), poke);
    } catch (error) {
      settings.onError(toDbError(error));
    }
  }
  const interval = settings.pollInterval ?? (unlisten ? 1000 : 200);

  const deliver = async (event: ChangeEvent<K>) => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        await handler(event);
        return true;
      } catch (error) {
        settings.onError(error instanceof Error ? error : new Error(String(error)), event);
        await pause(backoff(attempt));
      }
    }
    return false;
  };

  const loop = async () => {
    for (let failures = 0; !stopped; ) {
      poked = false;
      let events: ChangeEvent[];
      let full: boolean;
      try {
        const from = position.index === undefined ? position.seq + 1 : position.seq;
        const batch = await dialect.feed.read(reader, table.name, from, BATCH);
        if (isExpired(position, batch.prunedThrough)) {
          settings.onError(expired(batch.prunedThrough));
          return;
        }
        full = batch.rows.length === BATCH;
        events = eventsOf(table, batch.rows, position);
        const wanted = events.filter((e) => settings.events.has(e.op));
        const shown = new Set(source.visible ? await source.visible(table, wanted) : wanted);
        for (const event of events) {
          if (stopped) return;
          if (shown.has(event) && !(await deliver(event as ChangeEvent<K>))) return;
          position = decodeCursor(event.cursor, 'cursor');
        }
        failures = 0;
      } catch (error) {
        if (stopped) return;
        settings.onError(toDbError(error));
        await pause(backoff(failures++));
        continue;
      }
      if (!full && !poked && !stopped) await pause(interval);
    }
  };
  const running = loop();
  const stop: Unsubscribe = async () => {
    if (stopped) return running;
    stopped = true;
    wake?.();
    forget(reader, stop);
    await running;
    await unlisten?.().catch(() => undefined);
  };
  remember(reader, stop);
  return stop;
}

function expired(prunedThrough: number): ChangeFeedError {
  return new ChangeFeedError('cursor-expired', `The cursor is older than the change log keeps (pruned through ${prunedThrough}): refetch what you need, then subscribe without since`);
}

/** Live subscriptions per reading handle, so that closing the handle stops them first. */
const live = new WeakMap<object, Set<Unsubscribe>>();

function remember(reader: DatabaseClient, stop: Unsubscribe) {
  const key = internalsOf(reader).connection;
  const set = live.get(key) ?? new Set();
  live.set(key, set.add(stop));
}

function forget(reader: DatabaseClient, stop: Unsubscribe) {
  live.get(internalsOf(reader).connection)?.delete(stop);
}

/** Stops every subscription reading through `connection` (its handle is closing). */
export async function stopSubscriptions(connection: object): Promise<void> {
  await Promise.all([...(live.get(connection) ?? [])].map((stop) => stop()));
}
