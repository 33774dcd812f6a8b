/**
 * Supabase behaviour, for every target whose capabilities say so: pooler-safe statements (checked in the
 * PostgreSQL server log, since postgres.js silently retries a missing prepared statement) and the
 * Supabase roles and auth functions that RLS policies rely on.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabaseClient, createRepositories } from '../db';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

const MISSING_PREPARED = /prepared statement "[^"]+" does not exist/g;
const missingPreparedCount = () => (readFileSync(inject('testEnv').pgLogFile, 'utf8').match(MISSING_PREPARED) ?? []).length;

const applicable = selectedTargets().filter((t) => t.capabilities.transactionPooler || t.capabilities.rowLevelSecurity);
// Registered for the targets whose capabilities have a pooler or RLS; with none selected (PROVIDERS) the suite is skipped.
describe.runIf(applicable.length > 0)('Supabase capabilities', () => {
  for (const target of applicable) {
    describe(`${target.name}: Supabase capabilities`, () => {
      let t: TestDatabase;
      beforeAll(async () => {
        t = await freshDatabase(target);
      });
      afterAll(() => t.cleanup());

      if (target.capabilities.transactionPooler) {
        it('behind a transaction pooler, hot paths never hit a missing prepared statement (server log)', async () => {
          expect(t.client.capabilities.transactionPooler).toBe(true);
          expect((await createRepositories(t.client).authors.bulkCreate(Array.from({ length: 20 }, (_, i) => ({ name: `p${i}` })))).count).toBe(20);
          const work = async (url: string, provider: 'supabase' | 'local') => {
            const db = createDatabaseClient(provider, { url, poolMax: 8 });
            const repos = createRepositories(db);
            try {
              const found = await Promise.all(Array.from({ length: 200 }, (_, i) => repos.authors.findById((i % 20) + 1)));
              expect(found.filter(Boolean).length).toBe(200);
              await Promise.all(Array.from({ length: 50 }, () => repos.authors.count()));
            } finally {
              await db.close();
            }
          };
          const before = missingPreparedCount();
          await work(t.overrides.url!, 'supabase');
          expect(missingPreparedCount()).toBe(before);
          // Control, so the check above can fail: a raw postgres.js client WITH prepared statements through the
          // same pooler leaves "prepared statement does not exist" in the log (it may retry, throw or stall).
          const raw = postgres(t.overrides.url!.replace('?pgbouncer=true', ''), { max: 4, prepare: true, onnotice: () => undefined });
          const settle = (p: Promise<unknown>) => Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
          await settle(Promise.all(Array.from({ length: 100 }, (_, i) => raw`select ${i % 20} as n, ${'x'} as label`)));
          await settle(raw.end({ timeout: 1 }));
          expect(missingPreparedCount()).toBeGreaterThan(before);
        });
      }

      if (target.capabilities.rowLevelSecurity) {
        it('has the anon/authenticated/service_role roles and auth.uid() from transaction-local claims', async () => {
          const sub = randomUUID();
          const rows = await t.client.transaction(async (tx) => {
            await tx.execute(sql`select set_config('request.jwt.claims', ${JSON.stringify({ sub, role: 'authenticated' })}, true)`);
            await tx.execute(sql`set local role authenticated`);
            return tx.execute(sql`select auth.uid()::text as uid, auth.role() as role, current_user as who`);
          });
          expect(rows).toEqual([{ uid: sub, role: 'authenticated', who: 'authenticated' }]);
          const after = await t.client.execute(sql`select auth.uid() as uid, current_user as who`);
          expect(after[0]!.uid).toBeNull();
          expect(after[0]!.who).not.toBe('authenticated');
        });
      }
    });
  }
});
