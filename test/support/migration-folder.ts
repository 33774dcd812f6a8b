/** Writes a drizzle-kit style migrations folder (journal + .sql files) for migration tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeMigration {
  tag: string;
  when: number;
  statements: string[];
}

/** Creates (or rewrites) the folder; returns its path. */
export function writeMigrationFolder(migrations: FakeMigration[], folder = mkdtempSync(join(tmpdir(), 'migrations-'))): string {
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const entries = migrations.map((m, idx) => ({ idx, version: '7', when: m.when, tag: m.tag, breakpoints: true }));
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'any', entries }, null, 2));
  for (const m of migrations) writeFileSync(join(folder, `${m.tag}.sql`), m.statements.join('\n--> statement-breakpoint\n'));
  return folder;
}
