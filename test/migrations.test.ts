/** Migrations apply cleanly on a fresh database of every provider and produce exactly the schema. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMigrationStatus, MigrationError, runMigrations } from '../db';
import { internalsOf } from '../db/internals';
import { migrationsFolder, readMigrationFiles } from '../db/migrate/journal';
import { expectedCatalogue, readCatalogue } from '../db/tools/catalogue';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

const HISTORY_COLUMNS = {
  pg: sql`select column_name as name from information_schema.columns where table_schema = 'drizzle' and table_name = '__drizzle_migrations'`,
  sqlite: sql`select name from pragma_table_info('__drizzle_migrations')`,
};
const DROP_TAG = { pg: sql`alter table drizzle.__drizzle_migrations drop column tag`, sqlite: sql`alter table __drizzle_migrations drop column tag` };

for (const target of selectedTargets()) {
  describe(`${target.name}: migrations`, () => {
    let t: TestDatabase;
    const tags = readMigrationFiles(migrationsFolder(target.provider)).map((f) => f.tag);

    beforeAll(async () => {
      t = await freshDatabase(target, { migrate: false });
    });
    afterAll(() => t.cleanup());

    it('starts with every migration pending', async () => {
      const direct = t.open(t.directOverrides);
      expect(tags.length).toBeGreaterThan(0);
      expect(await getMigrationStatus(direct)).toMatchObject({ applied: [], pending: tags, modified: [], unknown: [] });
    });

    it('migrates through the runtime handle, unless it is a transaction pooler (refused, naming SUPABASE_DIRECT_URL)', async () => {
      // Capability-driven: only handles that go through a pooler must refuse; others must migrate.
      if (t.client.capabilities.transactionPooler) {
        await expect(runMigrations(t.client)).rejects.toThrow(MigrationError);
        await expect(runMigrations(t.client)).rejects.toThrow(/SUPABASE_DIRECT_URL/);
        expect((await getMigrationStatus(t.open(t.directOverrides))).applied).toEqual([]);
      } else {
        expect(await runMigrations(t.client)).toEqual({ applied: tags });
      }
    });

    it('applies every migration once, then nothing', async () => {
      const direct = t.open(t.directOverrides);
      if (t.client.capabilities.transactionPooler) expect(await runMigrations(direct)).toEqual({ applied: tags });
      expect(await runMigrations(direct)).toEqual({ applied: [] });
      expect(await getMigrationStatus(direct)).toMatchObject({ applied: tags, pending: [] });
    });

    it("records each migration's tag beside drizzle's own columns, and no `name` column (drizzle 1.0 upgrades such a table itself)", async () => {
      const direct = t.open(t.directOverrides);
      const files = readMigrationFiles(migrationsFolder(target.provider));
      const history = await internalsOf(direct).dialect.readHistory(direct);
      expect(history).toEqual(files.map((f) => ({ hash: f.hash, createdAt: f.when, tag: f.tag })));
      const columns = (await direct.execute(HISTORY_COLUMNS[target.capabilities.family])).map((r) => String(r.name)).sort();
      expect(columns).toEqual(['created_at', 'hash', 'id', 'tag']);
      // A history written before tags were recorded (drizzle 0.x shape) gets them, and nothing is re-applied.
      await direct.execute(DROP_TAG[target.capabilities.family]);
      expect(await runMigrations(direct)).toEqual({ applied: [] });
      expect((await internalsOf(direct).dialect.readHistory(direct)).map((r) => r.tag)).toEqual(tags);
    });

    it('creates the tables, columns, keys, constraints and indexes of db/schema.ts', async () => {
      expect(await readCatalogue(t.client)).toEqual(expectedCatalogue());
    });
  });
}
