/**
 * Feed cursors: where a subscriber is in the log, as an opaque string. `"<seq>"` means every key of entry
 * `seq` was handled; `"<seq>:<i>"` means keys 0…i of it were (a Postgres entry holds every row of one statement).
 */
import { ValidationError } from '../errors';

export interface FeedPosition {
  seq: number;
  /** The last key handled in entry `seq`; undefined when the whole entry was. */
  index: number | undefined;
}

const FORMAT = /^(\d{1,15})(?::(\d{1,9}))?$/;

/** The cursor string of a position. */
export function encodeCursor(position: FeedPosition): string {
  return position.index === undefined ? String(position.seq) : `${position.seq}:${position.index}`;
}

/** A cursor a caller passed back; anything else is a ValidationError naming `path`. */
export function decodeCursor(value: unknown, path: string): FeedPosition {
  const match = typeof value === 'string' ? FORMAT.exec(value) : null;
  if (!match) throw new ValidationError('subscribe options', [{ path, message: 'is not a cursor this feed gave out (pass event.cursor as it was)' }]);
  return { seq: Number(match[1]), index: match[2] === undefined ? undefined : Number(match[2]) };
}

/** True when pruning through `prunedThrough` removed entries this position has not handled. */
export function isExpired(position: FeedPosition, prunedThrough: number): boolean {
  return position.seq < prunedThrough || (position.seq === prunedThrough && position.index !== undefined);
}
