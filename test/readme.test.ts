/** The README's quick start runs as written: set up the default SQLite database, then run its snippet. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The first ```ts block after `heading`. */
function snippet(heading: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const after = readme.slice(readme.indexOf(heading));
  const match = /```ts\n([\s\S]*?)```/.exec(after);
  if (!match) throw new Error(`no ts block after ${heading}`);
  return match[1]!;
}

describe('README quick start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'readme-'));
  const scratch = join(ROOT, '.scratch');
  const file = join(scratch, `quick-start-${process.pid}.ts`);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(file, { force: true });
  });

  it('db:setup, then the snippet prints a reading status and exits by itself', () => {
    const env = { ...process.env, DB_PROVIDER: '', SQLITE_PATH: join(dir, 'app.db') };
    const setup = spawnSync('npm', ['run', 'db:setup'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(setup.status, setup.stderr).toBe(0);
    mkdirSync(scratch, { recursive: true });
    writeFileSync(file, snippet('## Quick start').replace("from './db'", "from '../db'"));
    const run = spawnSync('npx', ['tsx', file], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Ada Okafor is reading A Wizard of Earthsea by Ursula K. Le Guin');
  });
});
