/** healthCheck(): one round trip, timed and bounded; never throws and never prints a password. */
import { sql } from 'drizzle-orm';
import type { DatabaseClient } from '../client';
import type { ProviderName } from '../env';
import { toDbError } from '../error-mapping';

export interface HealthReport {
  ok: boolean;
  provider: ProviderName;
  latencyMs: number;
  error?: string;
}

export interface HealthOptions {
  /** Seconds to wait for the answer before reporting unhealthy (default 5), whatever the handle's own timeouts. */
  timeout?: number;
}

/** The default bound of a health check: a monitor wants an answer, not a wait as long as a statement may take. */
export const HEALTH_TIMEOUT_SECONDS = 5;

/**
 * Settles like `work`, or like `onTimeout()` (its value or what it throws) after `seconds`. `work` keeps running; its rejection
 * is handled here, so a late failure is never an unhandled rejection.
 */
export function withinDeadline<T>(work: Promise<T>, seconds: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error);
      }
    }, seconds * 1000);
  });
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Runs `select 1` on the handle and reports whether it answered within the timeout and how fast. */
export async function healthCheck(db: DatabaseClient, options: HealthOptions = {}): Promise<HealthReport> {
  const timeout = options.timeout ?? HEALTH_TIMEOUT_SECONDS;
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 100) / 100;
  const check = (async (): Promise<HealthReport> => {
    try {
      const [row] = await db.execute(sql`select 1 as ok`);
      if (Number(row?.ok) !== 1) return { ok: false, provider: db.provider, latencyMs: latency(), error: 'unexpected answer to select 1' };
      return { ok: true, provider: db.provider, latencyMs: latency() };
    } catch (error) {
      return { ok: false, provider: db.provider, latencyMs: latency(), error: toDbError(error, 'health check').message };
    }
  })();
  return withinDeadline(check, timeout, () => ({
    ok: false,
    provider: db.provider,
    latencyMs: latency(),
    error: `no answer to the health check within ${timeout} s (the health check's own timeout): the database or the network to it is stuck`,
  }));
}
