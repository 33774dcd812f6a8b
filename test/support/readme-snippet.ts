/** Runs a README example as written: the first ```ts block after a heading, as a file of its own. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The first ```ts block after `heading`. */
export function snippet(heading: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(heading);
  if (at < 0) throw new Error(`README has no heading ${heading}`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!match) throw new Error(`no ts block after ${heading}`);
  return match[1]!;
}

/** Runs the snippet after `heading` with tsx (imports of './db' point at the workspace) and returns its output. */
export function runSnippet(heading: string, env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const scratch = join(ROOT, '.scratch');
  const file = join(scratch, `snippet-${process.pid}-${Date.now()}.ts`);
  mkdirSync(scratch, { recursive: true });
  writeFileSync(file, snippet(heading).replace("from './db'", "from '../db'"));
  try {
    const run = spawnSync('npx', ['tsx', file], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(file, { force: true });
  }
}
