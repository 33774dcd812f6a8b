/** The README's quick start runs as written: set up the default SQLite database, then run its snippet. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runSnippet } from './support/readme-snippet';

describe('README quick start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'readme-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('db:setup, then the snippet prints a reading status and exits by itself', () => {
    const env = { ...process.env, DB_PROVIDER: '', SQLITE_PATH: join(dir, 'app.db') };
    const setup = spawnSync('npm', ['run', 'db:setup'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(setup.status, setup.stderr).toBe(0);
    const run = runSnippet('## Quick start', env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Ada Okafor is reading A Wizard of Earthsea by Ursula K. Le Guin');
  });
});
