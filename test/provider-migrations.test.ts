/**
 * Provider-specific migrations are first-class: a supabase folder with migrations the others do not
 * have (its RLS policies, and one more added here) still copies to and from local and restores from a snapshot, because sides are
 * compared by the tables and columns they hold, not by how many migrations they applied. A migration that
 * changes a column IS refused, naming the difference.
 */
import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase, copyDatabase, getMigrationStatus, MigrationError, restoreDatabase, seedDatabase, tableChecksums } from '../db';
import { extendMigrations } from './support/extend-migrations';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/provider-migrations/${name}`, import.meta.url));
const local = selectedTargets().find((t) => t.name === 'local');
const supabase = selectedTargets().find((t) => t.name === 'supabase');

// Needs both local and supabase among the selected targets (PROVIDERS); otherwise the suite is skipped.
describe.runIf(local && supabase)('local <-> supabase with a supabase-only migration', () => {
  const rls = extendMigrations('supabase', [fixture('0001_supabase_books_rls.sql')]);
  let lo: TestDatabase;
  let su: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    [lo, su] = await Promise.all([freshDatabase(local!), freshDatabase(supabase!, { folder: rls })]);
    await seedDatabase(lo.client, { count: 40 });
    dir = mkdtempSync(join(tmpdir(), 'provider-migrations-'));
  });
  afterAll(async () => {
    await Promise.all([lo?.cleanup(), su?.cleanup()]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(rls, { recursive: true, force: true });
  });

  it('the supabase side has one more migration applied, and RLS on books', async () => {
    const applied = (await getMigrationStatus(su.client, { folder: rls })).applied;
    expect(applied.at(-1)).toMatch(/supabase_books_rls$/);
    expect(applied.length).toBeGreaterThan((await getMigrationStatus(lo.client)).applied.length);
    const [row] = await su.client.execute(sql`select relrowsecurity from pg_class where relname = 'books'`);
    expect(row?.relrowsecurity).toBe(true);
  });

  it('copies local -> supabase and back, verified', async () => {
    const there = await copyDatabase({ from: lo.client, to: su.client, migrations: { to: rls } });
    expect(there.ok).toBe(true);
    const back = await freshDatabase(local!);
    try {
      expect((await copyDatabase({ from: su.client, to: back.client, migrations: { from: rls } })).ok).toBe(true);
      expect(await tableChecksums(back.client)).toEqual(await tableChecksums(lo.client));
    } finally {
      await back.cleanup();
    }
  });

  it('backs up supabase and restores into local, verified', async () => {
    const file = join(dir, 'su.ndjson.gz');
    await backupDatabase(su.client, { out: file, migrations: rls });
    const target = await freshDatabase(local!);
    try {
      expect((await restoreDatabase(target.client, file)).ok).toBe(true);
    } finally {
      await target.cleanup();
    }
  });

  it('refuses a side whose migration changed the columns, naming the first difference', async () => {
    const drift = extendMigrations('supabase', [fixture('0001_adds_a_column.sql')]);
    const odd = await freshDatabase(supabase!, { folder: drift });
    try {
      const error = await copyDatabase({ from: lo.client, to: odd.client, migrations: { to: drift } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toContain('The target (supabase) does not hold the schema of db/schema.ts: column books.supabase_only is not in db/schema.ts');
    } finally {
      await odd.cleanup();
      rmSync(drift, { recursive: true, force: true });
    }
  });
});
