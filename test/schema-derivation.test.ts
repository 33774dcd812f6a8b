/** The SQLite tables are derived from db/schema.ts, and generation refuses what SQLite cannot express. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { is, sql } from 'drizzle-orm';
import { integer, numeric, PgTable, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { PROVIDER_NAMES, UnsupportedSchemaError } from '../db';
import { deriveSqliteTables } from '../db/dialects/sqlite/derive';
import * as sqliteSchema from '../db/dialects/sqlite/schema';
import * as pgSchema from '../db/schema';

describe('derived SQLite schema', () => {
  it('exports every table of db/schema.ts by name, so drizzle-kit sees them all', () => {
    const pgNames = Object.entries(pgSchema).filter(([, v]) => is(v, PgTable)).map(([k]) => k).sort();
    const exported = Object.keys(sqliteSchema).filter((k) => k !== 'sqliteTables').sort();
    expect(exported).toEqual(pgNames);
  });

  const refusals = [
    { name: 'an array column', table: pgTable('things', { tags: text('tags').array() }), where: 'things.tags' },
    { name: 'numeric in string mode', table: pgTable('prices', { amount: numeric('amount', { precision: 10, scale: 2 }) }), where: 'prices.amount' },
    { name: 'an unknown SQL default', table: pgTable('events', { at: timestamp('at').default(sql`clock_timestamp()`) }), where: 'events.at' },
    { name: 'identity on a non-key column', table: pgTable('counters', { id: text('id').primaryKey(), n: integer('n').generatedAlwaysAsIdentity() }), where: 'counters.n' },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name}, naming ${r.where}`, () => {
      expect(() => deriveSqliteTables({ t: r.table })).toThrow(UnsupportedSchemaError);
      expect(() => deriveSqliteTables({ t: r.table })).toThrow(new RegExp(`^${r.where.replace('.', '\\.')}: `));
    });
  }
});

describe('npm run db:generate:*', () => {
  it('fails with exit 1 and names table.column for a construct SQLite cannot express', () => {
    const run = spawnSync('npx', ['tsx', 'scripts/generate.ts', 'sqlite', '--config', 'test/fixtures/unsupported/drizzle.config.ts'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('things.tags: PgArray has no faithful SQLite form');
  });

  it('creates nothing new on the unchanged schema, for every provider', () => {
    for (const provider of PROVIDER_NAMES) {
      const folder = `drizzle/migrations/${provider}`;
      const before = readdirSync(folder).sort();
      const out = execFileSync('npx', ['tsx', 'scripts/generate.ts', provider], { encoding: 'utf8' });
      expect(out, provider).toContain('No schema changes, nothing to migrate');
      expect(readdirSync(folder).sort(), provider).toEqual(before);
    }
  });
});
