/**
 * The change feed's migration, written by `npm run db:generate:<provider>` after drizzle-kit's own. Its first
 * line marks it with a fingerprint of the statements; a new one is written when the declaration or a fed
 * table's key changes, or when a later migration drops and recreates a fed table (SQLite rebuilds tables to
 * alter them, and dropping a table drops its triggers).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIALECTS } from '../dialects';
import type { SqlFamily } from '../providers/types';
import { SCHEMA_TABLES } from '../tables';
import { FED_TABLES } from './tables';

const MARK = '-- change feed ';
const BREAKPOINT = '\n--> statement-breakpoint\n';

/** The feed migration for `family`, as the file holds it. */
export function feedMigrationText(family: SqlFamily): string {
  const others = SCHEMA_TABLES.filter((t) => !FED_TABLES.some((f) => f.key === t.key));
  const body = DIALECTS[family].feed.migration(FED_TABLES, others).join(BREAKPOINT);
  const print = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return `${MARK}${print}: ${FED_TABLES.map((t) => t.name).join(', ') || 'no tables'}\n${body}\n`;
}

const markOf = (text: string) => (text.startsWith(MARK) ? text.slice(0, text.indexOf('\n')) : undefined);

/** Why `folder` needs a new feed migration for `family`, or undefined when its newest one is current. */
export function feedMigrationNeeded(folder: string, family: SqlFamily): string | undefined {
  const journalFile = join(folder, 'meta', '_journal.json');
  // No migrations at all: the schema's own check reports that, and the feed's migration comes with the first generate.
  if (!existsSync(journalFile)) return undefined;
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { idx: number; tag: string }[] };
  const texts = [...journal.entries].sort((a, b) => a.idx - b.idx).map((e) => readFileSync(join(folder, `${e.tag}.sql`), 'utf8'));
  const last = texts.findLastIndex((t) => markOf(t) !== undefined);
  if (last < 0) return FED_TABLES.length > 0 ? 'the change feed has no migration yet' : undefined;
  if (markOf(texts[last]!) !== markOf(feedMigrationText(family))) return 'the change feed declaration or a fed table changed';
  const dropped = FED_TABLES.find((t) => texts.slice(last + 1).some((text) => new RegExp(`drop table (if exists )?([\`"]?\\w+[\`"]?\\.)?[\`"]?${t.name}[\`"]?[;,\\s]`, 'i').test(text)));
  return dropped ? `a later migration recreates ${dropped.name}, which drops its triggers` : undefined;
}
