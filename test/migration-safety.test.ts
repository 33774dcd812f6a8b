/**
 * Migrations that cannot hurt data: a migration merged from another branch (older `when`) is applied,
 * not skipped; a changed applied file stops the run; a failing migration leaves nothing behind and names
 * the migration and statement; SQLite rebuilds keep cascading children; concurrent migrator processes
 * apply each migration exactly once.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getMigrationStatus, MigrationError, runMigrations, type DatabaseClient } from '../db';
import { migrationsFolder, readMigrationFiles } from '../db/migrate/journal';
import { expectedCatalogue, readCatalogue } from '../db/tools/catalogue';
import { writeMigrationFolder, type FakeMigration } from './support/migration-folder';
import { freshDatabase, scriptEnv, selectedTargets, type TestDatabase } from './support/targets';

const base: FakeMigration[] = [
  { tag: '0000_first', when: 1_000, statements: ['CREATE TABLE m_first (id integer primary key, name text)'] },
  { tag: '0001_second', when: 3_000, statements: ['CREATE TABLE m_second (id integer primary key)'] },
];
const merged: FakeMigration = { tag: '0002_from_branch', when: 2_000, statements: ['CREATE TABLE m_branch (id integer primary key)'] };

async function tableExists(db: DatabaseClient, name: string): Promise<boolean> {
  const rows =
    db.capabilities.family === 'sqlite'
      ? await db.execute(sql`select name from sqlite_master where type = 'table' and name = ${name}`)
      : await db.execute(sql`select to_regclass(${`public.${name}`}) as name`);
  return rows.length > 0 && rows[0]!.name !== null;
}

async function withFresh<T>(target: Parameters<typeof freshDatabase>[0], fn: (t: TestDatabase, direct: DatabaseClient) => Promise<T>): Promise<T> {
  const t = await freshDatabase(target, { migrate: false });
  try {
    return await fn(t, t.open(t.directOverrides));
  } finally {
    await t.cleanup();
  }
}

for (const target of selectedTargets()) {
  describe(`${target.name}: migration safety`, () => {
    it('applies a migration merged from another branch with an older timestamp', () =>
      withFresh(target, async (_t, db) => {
        const folder = writeMigrationFolder(base);
        expect(await runMigrations(db, { folder })).toEqual({ applied: ['0000_first', '0001_second'] });
        writeMigrationFolder([...base, merged], folder);
        expect((await getMigrationStatus(db, { folder })).pending).toEqual(['0002_from_branch']);
        expect(await runMigrations(db, { folder })).toEqual({ applied: ['0002_from_branch'] });
        expect(await tableExists(db, 'm_branch')).toBe(true);
        expect(await getMigrationStatus(db, { folder })).toMatchObject({ pending: [], modified: [], unknown: [], duplicates: [] });
      }));

    it('stops with an error naming the file when an applied migration changed', () =>
      withFresh(target, async (_t, db) => {
        const folder = writeMigrationFolder(base);
        await runMigrations(db, { folder });
        writeFileSync(join(folder, '0000_first.sql'), 'CREATE TABLE m_first (id integer primary key, name text, extra text)');
        writeMigrationFolder([...base.map((m) => (m.tag === '0000_first' ? { ...m, statements: ['CREATE TABLE m_first (id integer primary key, name text, extra text)'] } : m)), merged], folder);
        await expect(runMigrations(db, { folder })).rejects.toThrow(MigrationError);
        await expect(runMigrations(db, { folder })).rejects.toThrow(/0000_first\.sql .*changed after it was applied/);
        expect(await tableExists(db, 'm_branch')).toBe(false);
        expect((await getMigrationStatus(db, { folder })).modified).toEqual(['0000_first']);
      }));

    it('a failing migration leaves the database as it was and names the migration and statement', () =>
      withFresh(target, async (_t, db) => {
        const folder = writeMigrationFolder([...base, { tag: '0002_broken', when: 4_000, statements: ['CREATE TABLE m_half (id integer)', 'CREATE TABLE m_half (id integer)'] }]);
        const error = await runMigrations(db, { folder }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MigrationError);
        expect((error as Error).message).toMatch(/0002_broken failed at statement 2 of 2 \(CREATE TABLE m_half/);
        for (const table of ['m_first', 'm_second', 'm_half']) expect(await tableExists(db, table), table).toBe(false);
        expect((await getMigrationStatus(db, { folder })).applied).toEqual([]);
      }));

    it('five migrator processes at once: all exit 0, each migration recorded once, schema complete', async () => {
      const t = await freshDatabase(target, { migrate: false });
      try {
        const env = scriptEnv(t);
        const runs = await Promise.all(
          Array.from(
            { length: 5 },
            () =>
              new Promise<{ code: number | null; out: string }>((resolve) => {
                const child = spawn('npx', ['tsx', 'scripts/migrate.ts'], { env });
                let out = '';
                child.stdout.on('data', (d: Buffer) => (out += d.toString()));
                child.stderr.on('data', (d: Buffer) => (out += d.toString()));
                child.on('close', (code) => resolve({ code, out }));
              }),
          ),
        );
        for (const run of runs) expect(run.code, run.out).toBe(0);
        expect(runs.filter((r) => r.out.includes('applied ')).length).toBe(1);
        const tags = readMigrationFiles(migrationsFolder(target.provider)).map((f) => f.tag);
        const status = await getMigrationStatus(t.open(t.directOverrides));
        expect(status).toMatchObject({ applied: tags, pending: [], duplicates: [], unknown: [] });
        expect(await readCatalogue(t.client)).toEqual(expectedCatalogue());
      } finally {
        await t.cleanup();
      }
    });
  });
}

// The rebuild pattern (and its pragma trap) exists only in the SQLite family.
for (const target of selectedTargets().filter((t) => t.capabilities.family === 'sqlite')) {
  describe(`${target.name}: table rebuilds keep cascading children`, () => {
    it('a drizzle-kit style rebuild of a parent table does not empty its ON DELETE CASCADE children', () =>
      withFresh(target, async (_t, db) => {
        const folder = writeMigrationFolder([
          {
            tag: '0000_init',
            when: 1_000,
            statements: ['CREATE TABLE parent (id integer primary key, name text)', 'CREATE TABLE child (id integer primary key, parent_id integer not null references parent(id) on delete cascade)'],
          },
        ]);
        await runMigrations(db, { folder });
        await db.execute(sql`insert into parent (id, name) values (1, 'a'), (2, 'b')`);
        await db.execute(sql`insert into child (id, parent_id) values (10, 1), (11, 1), (12, 2)`);
        // What drizzle-kit generates when a column change needs a table rebuild.
        writeMigrationFolder(
          [
            {
              tag: '0000_init',
              when: 1_000,
              statements: [
                'CREATE TABLE parent (id integer primary key, name text)',
                'CREATE TABLE child (id integer primary key, parent_id integer not null references parent(id) on delete cascade)',
              ],
            },
            {
              tag: '0001_rebuild',
              when: 2_000,
              statements: [
                'PRAGMA foreign_keys=OFF;',
                "CREATE TABLE `__new_parent` (`id` integer primary key, `name` text NOT NULL DEFAULT '');",
                'INSERT INTO `__new_parent`("id", "name") SELECT "id", coalesce("name", \'\') FROM `parent`;',
                'DROP TABLE `parent`;',
                'ALTER TABLE `__new_parent` RENAME TO `parent`;',
                'PRAGMA foreign_keys=ON;',
              ],
            },
          ],
          folder,
        );
        expect(await runMigrations(db, { folder })).toEqual({ applied: ['0001_rebuild'] });
        expect(await db.execute(sql`select id from child order by id`)).toEqual([{ id: 10 }, { id: 11 }, { id: 12 }]);
        expect(await db.execute(sql`pragma foreign_keys`)).toEqual([{ foreign_keys: 1 }]);
      }));
  });
}
