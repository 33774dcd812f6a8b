/**
 * A server backend that dies while a transaction callback awaits something outside the database (killed
 * from another connection, or ended by the server's idle_in_transaction_session_timeout, which hosted
 * providers set): the transaction is a ConnectionError, the process does not crash, the callback's next
 * write is refused (never committed on another session), and the same pool slot serves the next query.
 * On postgres.js and the Neon WebSocket pool alike. Each case runs in a child process
 * (test/support/dying-backend-child.ts), so a crash shows as a failed case instead of ending the test worker.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, Scenario } from './support/dying-backend-child';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs one scenario in a child; kills it after 50 s (it takes a few seconds). The Neon driver reads NEON_WS_PROXY from the inherited environment. */
function runChild(t: TestDatabase, scenario: Scenario): Promise<{ code: number | null; outcome: Outcome | undefined; output: string }> {
  const config = { provider: t.target.provider, overrides: t.overrides, adminUrl: t.directOverrides.url };
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['test/support/dying-backend-child.ts', scenario], {
    cwd: ROOT,
    env: { ...process.env, DYING_BACKEND: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 50_000,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const line = output.split('\n').find((l) => l.startsWith('{'));
      resolve({ code, outcome: line ? (JSON.parse(line) as Outcome) : undefined, output });
    }),
  );
}

// Every Postgres target with its own transaction connections: postgres.js (local, supabase) and the Neon
// WebSocket pool (neon-ws; neon-http's transactions take that same pool, so it is not run twice).
const targets = selectedTargets().filter((t) => t.capabilities.family === 'pg' && !t.capabilities.httpQueries);

// A file with no suite fails the run (PROVIDERS=sqlite): the loop sits in a suite that is skipped when empty.
describe.runIf(targets.length > 0)('backend death during a transaction', () => {
  for (const target of targets) {
    describe(`${target.name}: the backend dies during a transaction`, () => {
      let t: TestDatabase;
      beforeAll(async () => {
        t = await freshDatabase(target);
      });
      afterAll(async () => {
        await t?.cleanup();
      });

      const cases: [Scenario, string][] = [
        ['terminate', 'killed from another connection while the callback awaits a timer'],
        ['idle-timeout', 'ended by idle_in_transaction_session_timeout while the callback awaits a timer'],
        ['slot-reused', 'killed, and other work takes the one connection before the callback writes'],
      ];
      for (const [scenario, what] of cases) {
        it(`${what}: ConnectionError, no crash, the write after it is not committed, the slot serves the next query`, async () => {
          const { code, outcome, output } = await runChild(t, scenario);
          expect(outcome, output).toBeDefined();
          // One comparison, so a failure shows everything the child saw.
          expect({ ...outcome, exitCode: code, writeAfterDeath: outcome?.writeAfterDeath === 'ok' ? 'ran' : 'refused' }, output).toEqual({
            transaction: 'ConnectionError CONNECTION',
            writeAfterDeath: 'refused',
            later: 'rows 0',
            uncaught: [],
            exitCode: 0,
          });
        });
      }
    });
  }
});
