/** healthCheck, db:health and db:status: reachable, latency, migrations up to date, pool size, exit codes. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { healthCheck, healthReport, runMigrations } from '../db';
import { migrationsFolder, readMigrationFiles } from '../db/migrate/journal';
import { freshDatabase, scriptEnv, selectedTargets } from './support/targets';

for (const target of selectedTargets()) {
  describe(`${target.name}: health`, () => {
    it('reports pending migrations as unhealthy, then healthy once migrated (library and db:health --json)', async () => {
      const t = await freshDatabase(target, { migrate: false });
      try {
        const check = await healthCheck(t.client);
        expect(check).toMatchObject({ ok: true, provider: target.provider });
        expect(check.latencyMs).toBeGreaterThanOrEqual(0);
        const before = await healthReport(t.client);
        expect(before).toMatchObject({ reachable: true, migrationsUpToDate: false, ok: false });
        expect(before.pendingMigrations.length).toBeGreaterThan(0);
        const unhealthy = spawnSync('npx', ['tsx', 'scripts/health.ts', '--json'], { env: scriptEnv(t), encoding: 'utf8' });
        expect(unhealthy.status).toBe(1);
        expect(JSON.parse(unhealthy.stdout)).toMatchObject({ provider: target.provider, ok: false, migrationsUpToDate: false });

        const pending = spawnSync('npx', ['tsx', 'scripts/status.ts'], { env: scriptEnv(t), encoding: 'utf8' });
        expect(pending.status).toBe(1);
        expect(pending.stdout).toMatch(/0 applied, \d+ pending\n {2}pending {2}0000_\w+ +generated \d{4}-\d\d-\d\d/);

        await runMigrations(t.open(t.directOverrides));
        const clean = spawnSync('npx', ['tsx', 'scripts/status.ts'], { env: scriptEnv(t), encoding: 'utf8' });
        expect(clean.status, clean.stderr).toBe(0);
        expect(clean.stdout).toContain(`${readMigrationFiles(migrationsFolder(target.provider)).length} applied, 0 pending`);
        const after = await healthReport(t.client);
        expect(after, after.error).toMatchObject({ reachable: true, migrationsUpToDate: true, pendingMigrations: [], ok: true });
        expect(after.poolMax).toBeGreaterThanOrEqual(1);
        // The handle's own pool size, not the environment's default.
        const small = t.open({ poolMax: 3 });
        expect((await healthReport(small)).poolMax).toBe(target.capabilities.singleConnection ? 1 : 3);
        const healthy = spawnSync('npx', ['tsx', 'scripts/health.ts', '--json'], { env: scriptEnv(t), encoding: 'utf8' });
        expect(healthy.status, healthy.stderr).toBe(0);
        expect(JSON.parse(healthy.stdout)).toMatchObject({ provider: target.provider, ok: true, reachable: true });
        expect(healthy.stdout).not.toContain(`:${passwordOf(t.directOverrides.url)}@`);
      } finally {
        await t.cleanup();
      }
    });
  });
}

/** The password inside a URL (or a marker that never matches when there is none). */
function passwordOf(url: string | undefined): string {
  try {
    return new URL(url ?? '').password || '\u0000no-password';
  } catch {
    return '\u0000no-password';
  }
}
