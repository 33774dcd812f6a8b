/**
 * Starts the real servers the selected targets need, once per test run: PostgreSQL (system binaries),
 * pgbouncer in transaction mode (supabase), the Neon WebSocket proxy and HTTP endpoint (neon).
 * A server that cannot start fails the run: nothing is skipped.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { needsPostgres } from './support/targets';

export interface TestEnvironment {
  pg: { host: string; port: number; user: string; password: string };
  pgbouncerPort: number;
  neonWsProxy: string;
  neonHttpEndpoint: string;
  pgLogFile: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testEnv: TestEnvironment;
  }
}

/**
 * One temp folder for the whole run: TMPDIR points into it before the workers start, so every temp file of
 * the tests, the scripts they spawn and the servers lands there, and it all goes at the end of the run.
 */
function runTempRoot(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'catalogue-test-run-'));
  chmodSync(root, 0o755); // the postgres OS user keeps its data folder and sockets below it
  process.env.TMPDIR = root;
  return () => {
    rmSync(root, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const removeTemp = runTempRoot();
  if (!needsPostgres()) {
    project.provide('testEnv', { pg: { host: '', port: 0, user: '', password: '' }, pgbouncerPort: 0, neonWsProxy: '', neonHttpEndpoint: '', pgLogFile: '' });
    return async () => removeTemp();
  }
  const { startAllServers } = await import('./support/servers');
  const servers = await startAllServers().catch((error: unknown) => {
    removeTemp();
    throw error;
  });
  project.provide('testEnv', {
    pg: { host: servers.pg.host, port: servers.pg.port, user: servers.pg.user, password: servers.pg.password },
    pgbouncerPort: servers.pgbouncer.port,
    neonWsProxy: servers.wsProxy.wsProxy,
    neonHttpEndpoint: servers.http.url,
    pgLogFile: servers.pg.logFile,
  });
  return async () => {
    await servers.stopAll();
    removeTemp();
  };
}
