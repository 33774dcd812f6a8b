/**
 * Opening the SQLite file. Its folder is created one level at a time (Node's recursive mkdir spins forever
 * under /proc), and a file this process cannot write is opened read-only, so the read-only commands
 * (db:status, db:health) work for a user who may only read it. Writes on such a handle fail with
 * SQLITE_READONLY, which toDbError turns into a typed error.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../../errors';

/** A better-sqlite3 connection and whether it can write. */
export interface OpenedSqliteFile {
  native: Database.Database;
  readOnly: boolean;
}

const FIX = 'set SQLITE_PATH to a file in a folder this user can write (the default is ./data/app.db)';

const REASONS: Record<string, string> = {
  ENOENT: 'the file system there does not allow new folders (as under /proc or /sys), or a link on the way points nowhere',
  EEXIST: 'something that is not a folder (a file or a broken link) has that name',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'this user may not create it (permission denied)',
  EPERM: 'this user may not create it (operation not permitted)',
  EROFS: 'the file system is read-only',
};

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates `dir` and its missing parents one level at a time. Node's `mkdirSync(dir, { recursive: true })`
 * retries for ever at 100% CPU when a level answers ENOENT although its parent exists (any path under
 * /proc); made level by level, that answer is final and becomes a ConfigError naming the folder and the fix.
 */
export function ensureFolder(dir: string): void {
  const missing: string[] = [];
  let current = resolve(dir);
  for (let stat = statOf(current); !stat; stat = statOf(current)) {
    missing.unshift(current);
    if (dirname(current) === current) break;
    current = dirname(current);
  }
  const existing = statOf(current);
  if (existing && !existing.isDirectory()) throw new ConfigError(`Cannot use the SQLite path: ${current} is a file, not a folder; ${FIX}`);
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      // Another process may have made it in the meantime.
      if (code === 'EEXIST' && statOf(folder)?.isDirectory()) continue;
      throw new ConfigError(`Cannot create the folder ${folder} for the SQLite file: ${REASONS[code] ?? code}; ${FIX}`);
    }
  }
}

/** True when the file's header says WAL mode (bytes 18–19 are 2): readers then need the -shm index beside it. */
function isWalFile(file: string): boolean {
  const header = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, header, 0, 20, 0) === 20 && header.toString('latin1', 0, 15) === 'SQLite format 3' && header[18] === 2;
  } finally {
    closeSync(fd);
  }
}

/**
 * A read-only connection. A WAL reader needs the -shm index next to the file; SQLite can make it when the
 * folder is writable and use it when it exists (a writer has the file open). In a read-only folder without
 * it, SQLite refuses even to read, and this better-sqlite3 build has no `immutable` URI: the file is read
 * into memory instead (a snapshot; bytes 18–19 of that copy say rollback mode, the file is not touched).
 */
function openReadOnly(file: string, timeout: number): Database.Database {
  const index = statOf(`${file}-shm`);
  if (writable(dirname(file)) || index || !isWalFile(file)) return new Database(file, { readonly: true, fileMustExist: true, timeout });
  if ((statOf(`${file}-wal`)?.size ?? 0) > 0) {
    throw new ConfigError(`Cannot read ${file}: its -wal file holds changes not yet in the main file and the folder is not writable; open it once as a user who can write the folder`);
  }
  const image = readFileSync(file);
  image[18] = 1;
  image[19] = 1;
  return new Database(image, { readonly: true, timeout });
}

/**
 * Opens the SQLite file at `file` (created with its folders when missing). Opens read-only when this user
 * cannot write the file or its folder (SQLite needs both to write).
 */
export function openSqliteFile(file: string, timeout: number): OpenedSqliteFile {
  if (file === ':memory:' || file === '') return { native: new Database(file, { timeout }), readOnly: false };
  const folder = dirname(file);
  if (statOf(file)) {
    if (writable(file) && writable(folder)) return { native: new Database(file, { timeout }), readOnly: false };
    return { native: openReadOnly(file, timeout), readOnly: true };
  }
  ensureFolder(folder);
  if (!writable(folder)) throw new ConfigError(`Cannot create the SQLite file ${file}: this user may not write the folder ${folder}; ${FIX}`);
  return { native: new Database(file, { timeout }), readOnly: false };
}
