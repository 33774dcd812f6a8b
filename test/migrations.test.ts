/** Migrations apply cleanly on a fresh database of every provider and produce exactly the schema. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMigrationStatus, MigrationError, runMigrations } from '../db';
import { migrationsFolder, readMigrationFiles } from '../db/migrate/journal';
import { expectedCatalogue, readCatalogue } from '../db/tools/catalogue';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

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

    it('creates the tables, columns, keys, constraints and indexes of db/schema.ts', async () => {
      expect(await readCatalogue(t.client)).toEqual(expectedCatalogue());
    });
  });
}
