/** A copy of a provider's committed migrations folder with extra migrations appended (journal included). */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { migrationsFolder } from '../../db/migrate/journal';
import type { ProviderName } from '../../db';

/** Copies drizzle/migrations/<provider> and appends each `.sql` file of `extra` as the next migration. */
export function extendMigrations(provider: ProviderName, extra: string[]): string {
  const folder = mkdtempSync(join(tmpdir(), `migrations-${provider}-`));
  cpSync(migrationsFolder(provider), folder, { recursive: true });
  const journalFile = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[] };
  for (const file of extra) {
    const last = journal.entries[journal.entries.length - 1]!;
    const tag = basename(file, '.sql');
    journal.entries.push({ idx: last.idx + 1, version: last.version, when: last.when + 1000, tag, breakpoints: true });
    writeFileSync(join(folder, `${tag}.sql`), readFileSync(file));
  }
  writeFileSync(journalFile, JSON.stringify(journal, null, 2));
  return folder;
}
