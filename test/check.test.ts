/** db:check finds uncaptured schema changes, a disagreeing migration history, and hand-made drift. */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDatabase, checkSchemaCaptured, PROVIDER_NAMES } from '../db';
import { migrationsFolder, readMigrationFiles } from '../db/migrate/journal';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

describe('db:check, schema captured by migrations', () => {
  it('passes for every provider on the committed migrations', async () => {
    for (const provider of PROVIDER_NAMES) expect(await checkSchemaCaptured(provider), provider).toEqual([]);
  });

  it('fails, naming the provider, when a migration is missing for the schema', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-migrations-'));
    const problems = await checkSchemaCaptured('local', { folder: empty });
    expect(problems).toEqual([expect.stringMatching(/^local: db\/schema.ts has changes with no migration yet: run npm run db:generate:local/)]);
  });
});

for (const target of selectedTargets()) {
  describe(`${target.name}: db:check on a database`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await freshDatabase(target);
    });
    afterAll(() => t.cleanup());

    it('agrees on a freshly migrated database', async () => {
      expect(await checkDatabase(t.open(t.directOverrides))).toEqual([]);
    });

    it('reports a modified applied migration', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'modified-'));
      cpSync(migrationsFolder(target.provider), folder, { recursive: true });
      const [first] = readMigrationFiles(folder);
      writeFileSync(join(folder, `${first!.tag}.sql`), '-- edited after it was applied\n');
      expect(await checkDatabase(t.open(t.directOverrides), { folder })).toContain(`${target.provider}: migration ${first!.tag} changed after it was applied`);
    });

    it('reports a column added and a column dropped by hand', async () => {
      const db = t.open(t.directOverrides);
      await db.execute(sql`alter table authors add column hacked text`);
      await db.execute(sql`alter table authors drop column bio`);
      const problems = await checkDatabase(db);
      expect(problems).toContain(`${target.provider}: column authors.hacked exists in the database but not in db/schema.ts`);
      expect(problems).toContain(`${target.provider}: column authors.bio is missing from the database`);
    });
  });
}
