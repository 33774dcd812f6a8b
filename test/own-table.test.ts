/**
 * Bring your own schema, end to end: a copy of the workspace gets a new `reviews` table in db/schema.ts and
 * nothing else. db:check notices it for every provider; the real `npm run db:generate:all` writes a
 * migration for every provider; then SQLite and local PostgreSQL are migrated, and the new table's
 * repository, seed --reset, copy, backup and restore work on it.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_NAMES } from '../db';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const sqlite = selectedTargets().find((t) => t.name === 'sqlite');
const local = selectedTargets().find((t) => t.name === 'local');

const REVIEWS = `
export const reviews = pgTable('reviews', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  bookId: integer('book_id').notNull().references(() => books.id, { onDelete: 'cascade' }),
  body: text('body').notNull(),
  stars: integer('stars').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  deletedAt: deletedAt(),
});
`;

/** What the app in the copied workspace does with the new table; prints one JSON line. */
const APP = `
import { backupDatabase, copyDatabase, createDatabaseClient, createRepositories, restoreDatabase, runMigrations, seedDatabase } from './db';

const env = process.env;
const sqlite = createDatabaseClient('sqlite', { url: env.APP_SQLITE });
const local = createDatabaseClient('local', { url: env.APP_LOCAL });
const restored = createDatabaseClient('sqlite', { url: env.APP_RESTORED });
const out: Record<string, unknown> = {};
out.migrated = [(await runMigrations(sqlite)).applied.length, (await runMigrations(local)).applied.length, (await runMigrations(restored)).applied.length];
await seedDatabase(sqlite);
const repos = createRepositories(sqlite);
const feed: string[] = [];
const stop = await sqlite.subscribe('reviews', (e) => void feed.push(e.op), { pollInterval: 20 });
const [book] = await repos.books.findMany({ pagination: { limit: 1 } });
await repos.reviews.create({ bookId: book.id, body: 'Loved it', stars: 5 });
const meh = await repos.reviews.create({ bookId: book.id, body: 'Meh', stars: 2 });
await repos.reviews.softDelete(meh.id);
out.live = (await repos.reviews.findMany({ filters: { body: { contains: 'LOVED' } } })).map((r) => r.body);
out.total = await repos.reviews.count({}, { withDeleted: true });
await new Promise((resolve) => setTimeout(resolve, 300));
await stop();
out.feed = feed;
out.invalid = await repos.reviews.create({ bookId: book.id, body: 'x', stars: 'five' }).catch((e) => e.code);
out.copy = (await copyDatabase({ from: sqlite, to: local })).tables.map((t) => [t.table, t.targetRows, t.match]);
out.onLocal = (await createRepositories(local).reviews.findMany({ withDeleted: true, orderBy: { field: 'id' } })).map((r) => [r.body, r.deletedAt !== null, r.createdAt instanceof Date]);
await backupDatabase(local, { out: env.APP_BACKUP });
out.restore = (await restoreDatabase(restored, env.APP_BACKUP)).tables.map((t) => [t.table, t.targetRows, t.match]);
await seedDatabase(sqlite, { reset: true });
out.afterReset = await repos.reviews.count({}, { withDeleted: true });
await Promise.all([sqlite.close(), local.close(), restored.close()]);
console.log(JSON.stringify(out));
`;

// Needs both sqlite and local among the selected targets (PROVIDERS); otherwise the suite is skipped.
describe.runIf(sqlite && local)('a table added to db/schema.ts works everywhere with nothing else edited', () => {
  let dir: string;
  let pg: TestDatabase;
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = spawnSync('npx', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env, DB_PROVIDER: '' } });
    return { status: result.status, out: `${result.stdout}\n${result.stderr}` };
  };
  const folders = () => Object.fromEntries(PROVIDER_NAMES.map((p) => [p, readdirSync(join(dir, 'drizzle/migrations', p)).filter((f) => f.endsWith('.sql'))]));
  let before: Record<string, string[]>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'own-table-'));
    for (const part of ['db', 'drizzle', 'scripts', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    rmSync(join(dir, 'drizzle/sqlite-schema.generated.ts'), { force: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // The new table also joins the change feed: its declaration moves below the table, with reviews added.
    const schemaFile = join(dir, 'db/schema.ts');
    const feed = /export const changeFeed = feedChangesOf\(([^)]*)\);\n/;
    const fed = feed.exec(readFileSync(schemaFile, 'utf8'))![1];
    writeFileSync(schemaFile, readFileSync(schemaFile, 'utf8').replace(feed, ''));
    appendFileSync(schemaFile, `${REVIEWS}\nexport const changeFeed = feedChangesOf(${fed}, reviews);\n`);
    writeFileSync(join(dir, 'app.ts'), APP);
    before = folders();
    pg = await freshDatabase(local!, { migrate: false });
  });
  afterAll(async () => {
    await pg?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('db:check reports the uncaptured table for every provider, SQLite included', () => {
    const check = run(['tsx', 'scripts/check.ts']);
    expect(check.status, check.out).toBe(1);
    for (const provider of PROVIDER_NAMES) {
      expect(check.out).toContain(`${provider}: db/schema.ts has changes with no migration yet`);
      expect(check.out).toContain(`${provider}: the change feed's migration is out of date (the change feed declaration or a fed table changed)`);
    }
  });

  it('npm run db:generate:all writes a migration creating it, and one feeding it, for every provider', () => {
    const generate = spawnSync('npm', ['run', 'db:generate:all'], { cwd: dir, encoding: 'utf8' });
    expect(generate.status, generate.stdout + generate.stderr).toBe(0);
    const after = folders();
    for (const provider of PROVIDER_NAMES) {
      const added = after[provider]!.filter((f) => !before[provider]!.includes(f));
      expect(added, provider).toHaveLength(2);
      expect(readFileSync(join(dir, 'drizzle/migrations', provider, added[0]!), 'utf8'), provider).toMatch(/CREATE TABLE [`"]reviews[`"]/);
      const feedMigration = readFileSync(join(dir, 'drizzle/migrations', provider, added[1]!), 'utf8');
      expect(feedMigration.split('\n')[0], provider).toMatch(/^-- change feed \w+: .*\breviews\b/);
      expect(feedMigration, provider).toMatch(/after insert on ("public"\.)?"reviews"/i);
    }
    const check = run(['tsx', 'scripts/check.ts']);
    expect(check.out).not.toContain('has changes with no migration yet');
    expect(check.out).not.toContain('change feed');
  });

  it('migrates sqlite and local; its repository, seed --reset, copy, backup and restore include it', () => {
    const app = run(['tsx', 'app.ts'], {
      APP_SQLITE: join(dir, 'data/app.db'),
      APP_RESTORED: join(dir, 'data/restored.db'),
      APP_LOCAL: pg.directOverrides.url,
      APP_BACKUP: join(dir, 'data/backup.ndjson.gz'),
    });
    expect(app.status, app.out).toBe(0);
    const out = JSON.parse(
      app.out
        .trim()
        .split('\n')
        .find((l) => l.startsWith('{'))!,
    ) as Record<string, unknown>;
    // Each side applies the committed migrations plus the one creating reviews and the one feeding it.
    expect(out.migrated).toEqual([before.sqlite!.length + 2, before.local!.length + 2, before.sqlite!.length + 2]);
    expect(out.feed).toEqual(['insert', 'insert', 'update']);
    expect(out.live).toEqual(['Loved it']);
    expect(out.total).toBe(2);
    expect(out.invalid).toBe('VALIDATION');
    expect(out.copy).toContainEqual(['reviews', 2, true]);
    expect((out.copy as unknown[][]).every((t) => t[2] === true)).toBe(true);
    expect(out.onLocal).toEqual([
      ['Loved it', false, true],
      ['Meh', true, true],
    ]);
    expect(out.restore).toContainEqual(['reviews', 2, true]);
    expect(out.afterReset).toBe(0);
    // The default SQLite file is the one the app migrated: schema, migrations and database agree.
    const check = run(['tsx', 'scripts/check.ts']);
    expect(check.status, check.out).toBe(0);
  });
});
