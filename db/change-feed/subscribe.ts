/**
 * db.subscribe(): tails the durable change log (db/dialects/<family>/feed.ts) from a cursor, so a subscriber
 * that was away gets every committed change since, in commit order. Postgres NOTIFY, where the connection
 * can LISTEN, only wakes the reader early; the log is the truth, so a lost notification costs latency, never
 * an event.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DatabaseClient } from '../client';
import { ChangeFeedError, type DbError, ValidationError } from '../errors';
import { type ChangeEvent, fedTableOf, readOptions, type SubscribeOptions, type Unsubscribe, type VisibilityFilter } from './options';
import { toDbError } from '../error-mapping';
import { internalsOf } from '../internals';
import { decodeCursor, encodeCursor, type FeedPosition, isExpired } from './cursor';
import { FEED_CHANNEL, type FeedRow } from './types';
import type { FedTable, FedTableKey } from './tables';

export type { ChangeEvent, SubscribeOptions, Unsubscribe, VisibilityFilter } from './options';

/** Log entries per read: on Postgres an entry holds up to 1000 keys, so at most 100,000 events are held at once. */
const BATCH = 100;

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
  const report = (error: Error, event?: ChangeEvent) => {
    try {
      settings.onError(error, event);
    } catch {
      // A throwing onError must not end delivery (nor the process): the failure it was told about stands.
    }
  };
  const { reader } = source;
  const { dialect, connection } = internalsOf(reader);

  // Registered before the first await, so a close() that runs meanwhile stops this subscription too.
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let unlisten: (() => Promise<void>) | undefined;
  const inHandler = new AsyncLocalStorage<true>();
  let wake: (() => void) | undefined;
  let poked = false;
  const poke = () => {
    poked = true;
    wake?.();
  };
  const finish = async () => {
    await running;
    forget(reader, stop);
    await unlisten?.().catch(() => undefined);
    unlisten = undefined;
  };
  let finished: Promise<void> | undefined;
  const stop: Unsubscribe = () => {
    stopped = true;
    wake?.();
    finished ??= finish();
    // Called from inside this subscription's handler: waiting for the handler to end would wait for ever.
    return inHandler.getStore() ? Promise.resolve() : finished;
  };
  remember(reader, stop);

  let position: FeedPosition;
  try {
    const bounds = await dialect.feed.bounds(reader, table.name);
    position = settings.since ?? { seq: bounds.head, index: undefined };
    if (isExpired(position, bounds.prunedThrough)) throw expired(bounds.prunedThrough);
    if (position.seq > bounds.head) {
      throw new ChangeFeedError(
        'cursor-ahead',
        `The cursor is ahead of this database's change log (newest ${bounds.head}): it belongs to another database, or this one was restored; refetch, then subscribe without since`,
      );
    }
    if (reader.capabilities.notifications && connection.listen && !stopped) {
      unlisten = await connection
        .listen(FEED_CHANNEL, (payload) => payload === table.name && poke(), poke)
        .catch((error: unknown) => {
          report(toDbError(error));
          return undefined;
        });
    }
  } catch (error) {
    void stop();
    const mapped = toDbError(error);
    if (notInstalled(mapped)) throw new ChangeFeedError('not-installed', `The change feed's log is missing on ${reader.provider}: run npm run db:migrate`, mapped);
    throw mapped;
  }
  const interval = settings.pollInterval ?? (unlisten ? 1000 : 200);

  /** Waits `ms`; a notification ends the wait early unless `wakeable` is false (stop always does). */
  const pause = (ms: number, wakeable = true) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = wakeable ? done : () => stopped && done();
    });

  const deliver = async (event: ChangeEvent<K>) => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        await inHandler.run(true, () => handler(event));
        return true;
      } catch (error) {
        report(error instanceof Error ? error : new Error(String(error)), event);
        await pause(backoff(attempt), false);
      }
    }
    return false;
  };

  const loop = async () => {
    for (let failures = 0; !stopped; ) {
      poked = false;
      let full: boolean;
      try {
        const from = position.index === undefined ? position.seq + 1 : position.seq;
        const batch = await dialect.feed.read(reader, table.name, from, BATCH);
        if (isExpired(position, batch.prunedThrough)) {
          report(expired(batch.prunedThrough));
          return;
        }
        full = batch.rows.length === BATCH;
        const events = eventsOf(table, batch.rows, position);
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
        report(toDbError(error));
        await pause(backoff(failures++), false);
        continue;
      }
      if (!full && !poked && !stopped) await pause(interval);
    }
  };
  // A subscription that ends on its own (an expired cursor) lets go of its LISTEN and its place in the registry.
  running = loop()
    .catch((error: unknown) => report(toDbError(error)))
    .finally(() => {
      if (!stopped) void stop();
    });
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
