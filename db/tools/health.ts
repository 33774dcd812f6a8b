/** healthCheck(): one round trip, timed; never throws and never prints a password. */
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

/** Runs `select 1` on the handle and reports whether it answered and how fast. */
export async function healthCheck(db: DatabaseClient): Promise<HealthReport> {
  const started = performance.now();
  try {
    const [row] = await db.execute(sql`select 1 as ok`);
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    if (Number(row?.ok) !== 1) return { ok: false, provider: db.provider, latencyMs, error: 'unexpected answer to select 1' };
    return { ok: true, provider: db.provider, latencyMs };
  } catch (error) {
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    return { ok: false, provider: db.provider, latencyMs, error: toDbError(error, 'health check').message };
  }
}
