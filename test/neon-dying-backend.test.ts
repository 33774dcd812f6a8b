/**
 * The backend of a Neon WebSocket transaction dies while the callback awaits a timer (pg_terminate_backend, or
 * idle_in_transaction_session_timeout): a ConnectionError, no uncaught error, the callback's later write refused,
 * the one pool slot serving the next query. The same scenarios as test/dying-backend.test.ts (its child process
 * runs them), for the targets whose transactions go over the WebSocket pool.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, Scenario } from './support/dying-backend-child';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs one scenario in a child (the Neon driver reads NEON_WS_PROXY from the inherited environment). */
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

// Transactions over the WebSocket pool: neon-ws (neon-http's transactions take the same path).
const targets = selectedTargets().filter((t) => t.proxies.webSocket && !t.capabilities.httpQueries);

// A file with no suite fails the run (PROVIDERS=sqlite): the loop sits in a suite that is skipped when empty.
describe.runIf(targets.length > 0)('backend death over WebSocket', () => {
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
