/**
 * Starts the real servers the selected targets need, once per test run: PostgreSQL (system binaries),
 * pgbouncer in transaction mode (supabase), the Neon WebSocket proxy and HTTP endpoint (neon).
 * A server that cannot start fails the run: nothing is skipped.
 */
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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!needsPostgres()) {
    project.provide('testEnv', { pg: { host: '', port: 0, user: '', password: '' }, pgbouncerPort: 0, neonWsProxy: '', neonHttpEndpoint: '', pgLogFile: '' });
    return async () => undefined;
  }
  const { startAllServers } = await import('./support/servers');
  const servers = await startAllServers();
  project.provide('testEnv', {
    pg: { host: servers.pg.host, port: servers.pg.port, user: servers.pg.user, password: servers.pg.password },
    pgbouncerPort: servers.pgbouncer.port,
    neonWsProxy: servers.wsProxy.wsProxy,
    neonHttpEndpoint: servers.http.url,
    pgLogFile: servers.pg.logFile,
  });
  return () => servers.stopAll();
}
