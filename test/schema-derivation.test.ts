/** The SQLite tables are derived from db/schema.ts, and generation refuses what SQLite cannot express. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { is, sql } from 'drizzle-orm';
import { integer, numeric, PgTable, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { PROVIDER_NAMES, UnsupportedSchemaError } from '../db';
import { deriveSqliteTables } from '../db/dialects/sqlite/derive';
import { kitSchemaSource } from '../db/dialects/sqlite/kit-schema';
import * as pgSchema from '../db/schema';

describe('derived SQLite schema', () => {
  it('the module drizzle-kit loads exports every table of db/schema.ts by name, so it sees them all', async () => {
    const pgNames = Object.entries(pgSchema)
      .filter(([, v]) => is(v, PgTable))
      .map(([k]) => k)
      .sort();
    const source = kitSchemaSource('./drizzle/sqlite-schema.generated.ts', './db/dialects/sqlite/tables.ts');
    expect(source).toContain(`export const { ${pgNames.join(', ')} } = SQLITE_DERIVED;`);
    // The written file is what the config hands to drizzle-kit: load it and count the tables.
    const config = (await import('../drizzle/sqlite.config')).default as { schema: string };
    const loaded = (await import(`../${config.schema.replace(/^\.\//, '')}`)) as Record<string, unknown>;
    expect(Object.keys(loaded).sort()).toEqual(pgNames);
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
