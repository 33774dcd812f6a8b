/**
 * The SQLite file where it cannot be made or written: a path under /proc fails at once with a typed error
 * (Node's recursive mkdir used to spin there at 100% CPU for ever), and a user who may only read the file
 * (and its folder) can still run the read-only commands, while writes fail with a clear typed error.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabaseClient, runMigrations } from '../db';
import { createReader, type Reader } from './support/reader';
import { selectedTargets } from './support/targets';

const sqlite = selectedTargets().some((t) => t.capabilities.family === 'sqlite');
const tsx = join('node_modules', '.bin', 'tsx');
const sqliteEnv = (file: string): NodeJS.ProcessEnv => ({ ...process.env, DB_PROVIDER: 'sqlite', SQLITE_PATH: file });
// A regression would loop for ever: a bounded wait turns it into a failure instead of a hung suite.
const BOUND = { encoding: 'utf8', timeout: 30_000 } as const;

describe.runIf(sqlite)('an SQLite path whose folder cannot be created', () => {
  const path = '/proc/catalogue-test/app.db';

  it('db:status fails at once with the folder named and the fix', () => {
    const run = spawnSync(tsx, ['scripts/status.ts'], { ...BOUND, env: sqliteEnv(path) });
    expect(run.error, 'still running after 30 s: the folder creation loops').toBeUndefined();
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain('Cannot create the folder /proc/catalogue-test for the SQLite file');
    expect(run.stderr).toContain('set SQLITE_PATH to a file in a folder this user can write');
  });

  it('createDatabaseClient throws a ConnectionError whose cause is a ConfigError', () => {
    const script = `import { createDatabaseClient } from './db';
try { createDatabaseClient('sqlite', { url: ${JSON.stringify(path)} }); console.log('{}'); }
catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, cause: e.cause?.name })); }`;
    const run = spawnSync(tsx, ['-e', script], { ...BOUND, env: process.env });
    expect(run.error, 'still running after 30 s: the folder creation loops').toBeUndefined();
    expect(run.status, run.stderr).toBe(0);
    const error = JSON.parse(run.stdout) as Record<string, string>;
    expect(error).toMatchObject({ name: 'ConnectionError', code: 'CONNECTION', cause: 'ConfigError' });
    expect(error.message).toContain(`Cannot open the sqlite database (sqlite file ${path}): Cannot create the folder /proc/catalogue-test`);
  });
});

describe.runIf(sqlite)('an SQLite file this user may only read', () => {
  let reader: Reader;
  const folders: string[] = [];
  beforeAll(() => {
    reader = createReader();
  });
  afterAll(() => {
    reader.release();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  async function migratedFile(): Promise<{ folder: string; file: string }> {
    const folder = mkdtempSync(join(tmpdir(), 'read-only-'));
    folders.push(folder);
    const file = join(folder, 'app.db');
    const db = createDatabaseClient('sqlite', { url: file });
    try {
      await runMigrations(db);
    } finally {
      await db.close();
    }
    return { folder, file };
  }

  const cases = [
    { name: 'a read-only file in a folder the user can write', folderWritable: true },
    { name: 'a read-only file in a read-only folder', folderWritable: false },
  ];
  for (const c of cases) {
    it(`${c.name}: db:status and db:health work, writes are refused with a typed error, the file is unchanged`, async () => {
      const { folder, file } = await migratedFile();
      if (c.folderWritable) reader.grantFolder(folder);
      reader.protect(c.folderWritable ? [file] : [file, folder]);
      const before = createHash('sha256').update(readFileSync(file)).digest('hex');
      const env = sqliteEnv(file);
      const probe = reader.run(['node', '-e', 'require("fs").accessSync(process.argv[1], require("fs").constants.W_OK)', file], env);
      expect(probe.status, `the reader (${reader.how}) can write the file: the test would prove nothing`).not.toBe(0);

      const status = reader.run([tsx, 'scripts/status.ts'], env);
      expect(status.status, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/sqlite: \d+ applied, 0 pending/);
      const health = reader.run([tsx, 'scripts/health.ts', '--json'], env);
      expect(health.status, health.stderr).toBe(0);
      expect(JSON.parse(health.stdout)).toMatchObject({ provider: 'sqlite', reachable: true, migrationsUpToDate: true, ok: true });

      const seed = reader.run([tsx, 'scripts/seed.ts'], env);
      expect(seed.status).toBe(1);
      expect(seed.stderr).toMatch(/^error: Cannot write during .*\(SQLITE_READONLY\): the database is read-only for this connection/m);
      expect(seed.stderr).not.toMatch(/\n\s+at /); // one clear line, not a crash with a stack
      const migrate = reader.run([tsx, 'scripts/migrate.ts', 'sqlite'], env);
      expect(migrate.status).toBe(1);
      expect(migrate.stderr).toContain(`Cannot migrate sqlite file ${file}: it is open read-only`);
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
    });
  }
});
