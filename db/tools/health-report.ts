/** The db:health report: reachability, latency, migrations up to date and pool size, for one provider. */
import { HEALTH_TIMEOUT_SECONDS, healthCheck, type HealthOptions, withinDeadline } from './health';
import type { DatabaseClient } from '../client';
import { getMigrationStatus } from '../migrate';
import { internalsOf } from '../internals';

export interface HealthDetails {
  provider: string;
  target: string;
  reachable: boolean;
  latencyMs: number;
  migrationsUpToDate: boolean | null;
  pendingMigrations: string[];
  poolMax: number;
  ok: boolean;
  error?: string;
}

/** Everything a container health check needs, never throwing; `ok` is reachable and up to date. */
export async function healthReport(db: DatabaseClient, options: HealthOptions = {}): Promise<HealthDetails> {
  const timeout = options.timeout ?? HEALTH_TIMEOUT_SECONDS;
  const started = performance.now();
  const check = await healthCheck(db, { timeout });
  const { poolMax } = internalsOf(db);
  const base = { provider: db.provider, target: db.target, reachable: check.ok, latencyMs: check.latencyMs, poolMax };
  if (!check.ok) return { ...base, migrationsUpToDate: null, pendingMigrations: [], ok: false, error: check.error };
  try {
    // What is left of the timeout bounds the migration check too.
    const left = Math.max(0.1, timeout - (performance.now() - started) / 1000);
    const status = await withinDeadline(getMigrationStatus(db), left, () => {
      throw new Error(`no answer to the migration check within ${timeout} s (the health check's own timeout)`);
    });
    const upToDate = status.pending.length + status.modified.length + status.unknown.length === 0;
    return { ...base, migrationsUpToDate: upToDate, pendingMigrations: status.pending, ok: upToDate };
  } catch (error) {
    return { ...base, migrationsUpToDate: null, pendingMigrations: [], ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
