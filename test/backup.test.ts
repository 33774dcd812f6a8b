/** backupDatabase / restoreDatabase and npm run db:backup / db:restore: portable, verified, all or nothing. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backupDatabase,
  createRepositories,
  declaredShape,
  fingerprint,
  InvalidSnapshotError,
  MigrationError,
  restoreDatabase,
  SCHEMA_TABLES,
  seedDatabase,
  SNAPSHOT_FORMAT,
  tableChecksums,
  TargetNotEmptyError,
  type BackupReport,
  type DatabaseClient,
} from '../db';
import { freshDatabase, scriptEnv, selectedTargets, type TestDatabase } from './support/targets';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const targets = selectedTargets();
const source = targets.find((t) => t.name === 'sqlite') ?? targets[0];
const restoreTarget = targets.find((t) => t.name === 'local') ?? source;

/** Soft-deleted rows, unicode, null prices, dates, and json that looks like the snapshot's own value markers. */
async function seedTricky(db: DatabaseClient): Promise<void> {
  await seedDatabase(db, { count: 300 });
  const repos = createRepositories(db);
  const author = await repos.authors.create({ name: `O'Brien "Flann" \\ 📚`, metadata: { $date: 'not a date', $json: { z: [1, null], a: true } } });
  const book = await repos.books.create({ title: 'Ünïcødé — 世界', authorId: author.id, createdAt: new Date('1901-02-03T04:05:06.007Z') });
  await repos.books.softDelete(book.id);
  await repos.authors.softDelete((await repos.authors.create({ name: 'Gone' })).id);
}

/** The decompressed lines of a snapshot, rewritten by `edit`, compressed again into a new file. */
function rewrite(file: string, name: string, edit: (lines: string[]) => string[]): string {
  const out = join(file, '..', name);
  writeFileSync(out, gzipSync(edit(gunzipSync(readFileSync(file)).toString('utf8').split('\n')).join('\n')));
  return out;
}

/** Runs a script like a user would; stderr without npm's own warnings. */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npx', ['tsx', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        stderr: stderr
          .split('\n')
          .filter((l) => l && !l.startsWith('npm warn'))
          .join('\n'),
      }),
    ),
  );
}

if (source) {
  describe('backup and restore', () => {
    let src: TestDatabase;
    let dir: string;
    let file: string;
    let first: BackupReport;
    beforeAll(async () => {
      src = await freshDatabase(source!);
      await seedTricky(src.client);
      dir = mkdtempSync(join(tmpdir(), 'catalogue-backup-'));
      file = join(dir, 'first.ndjson.gz');
      first = await backupDatabase(src.client, { out: file, batchSize: 100 });
    });
    afterAll(async () => {
      await src?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('writes gzip JSON lines: header, a section per table, rows with marked dates, an end line with checksums', () => {
      const lines = gunzipSync(readFileSync(file))
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
      expect(lines[0]).toMatchObject({ format: SNAPSHOT_FORMAT, version: 2, schema: fingerprint(declaredShape()), tables: SCHEMA_TABLES.map((t) => t.name), provider: source!.provider });
      expect(lines.at(-1)).toEqual({ end: true, tables: first.tables });
      expect(JSON.stringify(lines)).toContain('{"$date":"1901-02-03T04:05:06.007Z"}');
      expect(readdirSync(dir)).toEqual(['first.ndjson.gz']);
    });

    it('its checksums are those of the database, soft-deleted rows included', async () => {
      expect(first.tables).toEqual(await tableChecksums(src.client));
      expect(first.tables.find((t) => t.table === 'authors')!.rows).toBe(await createRepositories(src.client).authors.count({}, { withDeleted: true }));
    });

    for (const target of targets) {
      it(`restores into ${target.name}; a backup of the result has the same checksums; ids continue after the highest`, async () => {
        const t = await freshDatabase(target);
        try {
          const report = await restoreDatabase(t.client, file, { batchSize: 64 });
          expect(report.ok).toBe(true);
          expect(report.header.provider).toBe(source!.provider);
          const again = await backupDatabase(t.client, { out: join(dir, `again-${target.name}.ndjson.gz`) });
          expect(again.tables).toEqual(first.tables);
          const repos = createRepositories(t.client);
          const max = (await repos.authors.findMany({ withDeleted: true, orderBy: { field: 'id', direction: 'desc' }, pagination: { limit: 1 } }))[0]!.id;
          expect((await repos.authors.create({ name: 'After restore' })).id).toBe(max + 1);
          expect((await repos.authors.findFirst({ name: { startsWith: "O'Brien" } }))!.metadata).toEqual({ $date: 'not a date', $json: { z: [1, null], a: true } });
        } finally {
          await t.cleanup();
        }
      });
    }

    describe(`bad input into ${restoreTarget?.name}: a clear error and the target as it was`, () => {
      let t: TestDatabase;
      let before: Awaited<ReturnType<typeof tableChecksums>>;
      beforeAll(async () => {
        t = await freshDatabase(restoreTarget!);
        await restoreDatabase(t.client, file);
        await createRepositories(t.client).authors.create({ name: 'Only in the target' });
        before = await tableChecksums(t.client);
      });
      afterAll(() => t?.cleanup());

      const cases: [string, () => string, RegExp][] = [
        ['not gzip', () => (writeFileSync(join(dir, 'plain.txt'), 'hello\n'), join(dir, 'plain.txt')), /is not gzip-compressed/],
        ['cut short', () => (writeFileSync(join(dir, 'cut.gz'), readFileSync(file).subarray(0, Math.floor(readFileSync(file).length * 0.6))), join(dir, 'cut.gz')), /corrupt or cut short/],
        ['bad JSON half-way', () => rewrite(file, 'json.gz', (l) => l.map((x, i) => (i === 400 ? '{"oops' : x))), /line 401: is not valid JSON/],
        ['a changed value', () => rewrite(file, 'value.gz', (l) => l.map((x) => x.replace('Ünïcødé', 'Unicode'))), /checksums do not match/],
        ['no end line', () => rewrite(file, 'end.gz', (l) => l.filter((x) => !x.startsWith('{"end"'))), /cut short: it has no end line/],
        ['another version', () => rewrite(file, 'v3.gz', (l) => [l[0]!.replace('"version":2', '"version":3'), ...l.slice(1)]), /line 1: has format version 3; this version reads versions 1 and 2/],
        ['another format', () => rewrite(file, 'fmt.gz', (l) => [l[0]!.replace(SNAPSHOT_FORMAT, 'other'), ...l.slice(1)]), /line 1: is not a book-catalogue-snapshot header/],
        ['a missing file', () => join(dir, 'missing.gz'), /cannot be read \(ENOENT\)/],
      ];
      for (const [name, make, message] of cases) {
        it(`${name}: InvalidSnapshotError`, async () => {
          const error = await restoreDatabase(t.client, make(), { truncate: true, batchSize: 10 }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(InvalidSnapshotError);
          expect((error as InvalidSnapshotError).code).toBe('INVALID_SNAPSHOT');
          expect((error as Error).message).toMatch(message);
          expect(await tableChecksums(t.client)).toEqual(before);
        });
      }

      it('a target with rows is refused without truncate', async () => {
        await expect(restoreDatabase(t.client, file)).rejects.toBeInstanceOf(TargetNotEmptyError);
        expect(await tableChecksums(t.client)).toEqual(before);
      });

      it('a target at another migration level is refused, naming the command to run', async () => {
        const behind = await freshDatabase(restoreTarget!, { migrate: false });
        try {
          const error = await restoreDatabase(behind.client, file).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(MigrationError);
          expect((error as Error).message).toContain(`run npm run db:migrate:${restoreTarget!.provider}`);
        } finally {
          await behind.cleanup();
        }
      });
    });

    it('npm run db:backup / db:restore: round trip, one error line (exit 1), usage errors (exit 2), --help', async () => {
      const t = await freshDatabase(restoreTarget!);
      try {
        const out = join(dir, 'cli.ndjson.gz');
        const backup = await runCli(['scripts/backup.ts', '--from', source!.provider, '--out', out], scriptEnv(src));
        expect(backup).toMatchObject({ code: 0, stderr: '' });
        expect(backup.stdout).toMatch(/read back and verified/);
        const restore = await runCli(['scripts/restore.ts', out, '--to', restoreTarget!.provider], scriptEnv(t));
        expect(restore).toMatchObject({ code: 0, stderr: '' });
        expect(restore.stdout).toMatch(/row counts and checksums match/);
        expect(await tableChecksums(t.client)).toEqual(first.tables);

        writeFileSync(join(dir, 'plain.txt'), 'hello\n');
        const bad = await runCli(['scripts/restore.ts', join(dir, 'plain.txt'), '--to', restoreTarget!.provider, '--truncate'], scriptEnv(t));
        expect(bad.code).toBe(1);
        expect(bad.stderr).toMatch(/^error: Invalid snapshot .*plain\.txt: is not gzip-compressed[^\n]*$/);
        expect((await runCli(['scripts/restore.ts'], scriptEnv(t))).code).toBe(2);
        expect((await runCli(['scripts/backup.ts', '--from', 'nowhere'], scriptEnv(t))).code).toBe(2);
        for (const script of ['backup', 'restore', 'copy']) expect((await runCli([`scripts/${script}.ts`, '--help'], scriptEnv(t))).stdout).toMatch(/^Usage: npm run db:/);
        expect(existsSync(`${out}.partial`)).toBe(false);
      } finally {
        await t.cleanup();
      }
    }, 120_000);
  });
}
