/**
 * A connection that breaks during COMMIT leaves the driver unable to say whether the transaction committed:
 * the COMMIT may never have reached the server, or the server committed and its answer was lost. Retrying
 * by reflex would then apply the transaction twice. Here the transaction's id is read just before COMMIT
 * (`txid_current_if_assigned()`: null when it wrote nothing), and when COMMIT fails without an answer from
 * the server, a new connection from the same pool asks `txid_status(id)` and the caller gets a
 * CommitOutcomeError saying committed, rolled back or unknown.
 *
 * Both are plain SQL on the transaction's own connection and on any other one, so this holds through a
 * transaction pooler (the id is read inside the transaction, where the pooler keeps one server connection)
 * and over Neon's WebSocket pool. It costs one round trip per top-level transaction; savepoints are left alone.
 */
import { sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { toDbError } from '../../error-mapping';
import { CommitOutcomeError, type CommitOutcome } from '../../errors';
import type { AppDatabase, ProviderConnection, TransactionRunner } from '../../providers/types';
import { pgExecute } from './session';

/** How long a status of 'in progress' is asked again: the server may not yet have seen its client go. */
const STATUS_WAIT_MS = 5000;

/** A runner called with a transaction makes a savepoint, whose end is no COMMIT. (A function, so `db` keeps its type.) */
const isSavepoint = (db: unknown): boolean => db instanceof PgTransaction;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when the failure came as the server's answer (a SQLSTATE other than a connection class): COMMIT did not happen. */
function isServerAnswer(error: unknown): boolean {
  const code = (toDbError(error).cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57P');
}

/** Asks a new connection what became of transaction `txid`; 'unknown' when no answer comes. */
async function askStatus(statusDb: AppDatabase, txid: string): Promise<{ outcome: CommitOutcome; reason: string }> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    let status: unknown;
    try {
      const [row] = await pgExecute(statusDb, sql`select txid_status(${txid}::bigint) as status`);
      status = row?.status;
    } catch (error) {
      return { outcome: 'unknown', reason: `a new connection could not ask the server (${toDbError(error, 'commit check').message})` };
    }
    if (status === 'committed') return { outcome: 'committed', reason: 'the server reports it committed' };
    if (status === 'aborted') return { outcome: 'rolled back', reason: 'the server reports it rolled back' };
    if (status !== 'in progress') return { outcome: 'unknown', reason: 'the server no longer knows the transaction' };
    if (Date.now() - started > STATUS_WAIT_MS) return { outcome: 'unknown', reason: `the server still reported it in progress after ${STATUS_WAIT_MS / 1000} s` };
    await sleep(Math.min(500, 25 * 2 ** attempt));
  }
}

const ADVICE: Record<CommitOutcome, string> = {
  committed: 'do not run it again',
  'rolled back': 'nothing was written, so running it again is safe (transaction(fn, { retry }) does)',
  unknown: 'check the data before running it again',
};

/** The typed error for a COMMIT that failed without an answer. */
async function commitOutcomeError(statusDb: AppDatabase, txid: string | null, error: unknown): Promise<CommitOutcomeError> {
  const broke = toDbError(error, 'COMMIT').message;
  const { outcome, reason } = txid === null ? { outcome: 'rolled back' as const, reason: 'the transaction wrote nothing' } : await askStatus(statusDb, txid);
  return new CommitOutcomeError(
    outcome,
    `The connection broke during COMMIT; the transaction ${outcome === 'unknown' ? 'may or may not have committed' : outcome} (${reason}): ${ADVICE[outcome]}. ${broke}`,
    error,
  );
}

/**
 * Wraps a Postgres connection's transactions so that a COMMIT cut off from its answer is a CommitOutcomeError.
 * `statusDb` is the pool the status question goes to (it opens a new connection when the old one broke).
 */
export function withCommitOutcome(connection: ProviderConnection, statusDb: AppDatabase): ProviderConnection {
  const runTransaction: TransactionRunner = async (db, fn, ...settings) => {
    if (isSavepoint(db)) return connection.runTransaction(db, fn, ...settings);
    let txid: string | null = null;
    let committing = false;
    try {
      return await connection.runTransaction(
        db,
        async (tx) => {
          const result = await fn(tx);
          const [row] = await pgExecute(tx, sql`select txid_current_if_assigned()::text as id`);
          txid = typeof row?.id === 'string' ? row.id : null;
          committing = true;
          return result;
        },
        ...settings,
      );
    } catch (error) {
      if (!committing || isServerAnswer(error)) throw error;
      throw await commitOutcomeError(statusDb, txid, error);
    }
  };
  return { ...connection, runTransaction };
}
