/**
 * A user who may read files but not write them, for tests of read-only access. Tests run as root, and root
 * ignores file modes, so as root the script runs as `nobody` (setpriv) when that user can read the checkout;
 * otherwise (a private clone) the files are made immutable (`chattr +i`), which stops root too. As any other
 * user the modes alone do it.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NOBODY = 65534;

export interface Reader {
  /** How the files are kept from being written: 'modes' (another user) or 'immutable' (root, chattr). */
  readonly how: 'modes' | 'immutable';
  /** Makes `paths` (files and folders) read-only for the reader. */
  protect(paths: string[]): void;
  /** Lets the reader create files in `folder` (it is root's when the reader is nobody). */
  grantFolder(folder: string): void;
  /** Runs `command` as the reader, with a temp folder and home it can write. */
  run(command: string[], env: NodeJS.ProcessEnv): SpawnSyncReturns<string>;
  /** Undoes protect() so the files can be removed. */
  release(): void;
}

const isRoot = () => process.getuid?.() === 0;

function asNobody(command: string[]): string[] {
  return ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...command];
}

/** True when `nobody` can read the checkout (a clone under a private home folder is not readable). */
function nobodyReadsCheckout(): boolean {
  const probe = join(process.cwd(), 'node_modules', '.bin', 'tsx');
  const [cmd, ...args] = asNobody(['node', '-e', 'require("fs").accessSync(process.argv[1], require("fs").constants.R_OK)', probe]);
  return spawnSync(cmd!, args).status === 0;
}

/** The reader for this run (see the file comment). */
export function createReader(): Reader {
  const home = mkdtempSync(join(tmpdir(), 'reader-home-'));
  const how = !isRoot() || nobodyReadsCheckout() ? 'modes' : 'immutable';
  const asOther = isRoot() && how === 'modes';
  if (asOther) chownSync(home, NOBODY, NOBODY);
  const immutable: string[] = [];
  return {
    how,
    protect(paths) {
      if (how === 'modes') {
        for (const path of paths) chmodSync(path, statSync(path).isDirectory() ? 0o555 : 0o444);
        return;
      }
      const set = spawnSync('chattr', ['+i', ...paths], { encoding: 'utf8' });
      if (set.status !== 0) throw new Error(`chattr +i failed (${set.stderr.trim()}): run the tests as a user other than root, or make the checkout readable by nobody`);
      immutable.push(...paths);
    },
    grantFolder(folder) {
      if (asOther) chownSync(folder, NOBODY, NOBODY);
    },
    run(command, env) {
      const [cmd, ...rest] = asOther ? asNobody(command) : command;
      return spawnSync(cmd!, rest, { env: { ...env, TMPDIR: home, HOME: home }, encoding: 'utf8', timeout: 60_000 });
    },
    release() {
      if (immutable.length > 0) spawnSync('chattr', ['-i', ...immutable.splice(0)]);
    },
  };
}
