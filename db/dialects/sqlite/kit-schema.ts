/**
 * drizzle-kit only sees tables that are top-level named exports of the schema file it loads, and derived
 * tables cannot be exported by name from code. So the SQLite drizzle-kit config writes a small module that
 * exports every derived table under its db/schema.ts export name, each time drizzle-kit loads the config
 * (generate, studio, check): a table added to db/schema.ts is seen with no other edit.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { SCHEMA_TABLES } from '../../tables';

/** The text of the module that re-exports every derived table by name. */
export function kitSchemaSource(file: string, derivedModule: string): string {
  let from = relative(dirname(resolve(file)), resolve(derivedModule))
    .replace(/\\/g, '/')
    .replace(/\.ts$/, '');
  if (!from.startsWith('.')) from = `./${from}`;
  const names = SCHEMA_TABLES.map((t) => t.key).sort();
  return [
    '// Written by drizzle/sqlite.config.ts from db/schema.ts each time drizzle-kit loads that config; do not edit.',
    '// drizzle-kit only sees tables that are top-level named exports, so every derived table is exported by name.',
    `import { SQLITE_DERIVED } from '${from}';`,
    '',
    `export const { ${names.join(', ')} } = SQLITE_DERIVED;`,
    '',
  ].join('\n');
}

/** Writes (or refreshes) the module at `file`; returns its path. Paths are relative to the working directory. */
export function writeKitSchema(file: string, derivedModule = './db/dialects/sqlite/tables.ts'): string {
  const source = kitSchemaSource(file, derivedModule);
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== source) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, source);
  }
  return file;
}
