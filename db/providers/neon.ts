/**
 * neon: @neondatabase/serverless (NEON_DATABASE_URL). NEON_DRIVER=ws (default) uses the WebSocket Pool
 * (drizzle-orm/neon-serverless); NEON_DRIVER=http sends each query over HTTP (drizzle-orm/neon-http) and
 * runs transactions over the WebSocket pool, since HTTP has no interactive transactions.
 *
 * NEON_WS_PROXY and NEON_HTTP_ENDPOINT point the driver at a Neon-compatible proxy in front of another
 * PostgreSQL (local development, tests); they switch off TLS to that proxy.
 *
 * DB_CONNECT_TIMEOUT bounds opening a WebSocket connection and, over HTTP, each whole request (see
 * neon-faults.ts); an unreachable server is a ConnectionError that names the proxy or endpoint.
 */
import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle as drizzleHttp } from 'drizzle-orm/neon-http';
import { drizzle as drizzleWs } from 'drizzle-orm/neon-serverless';
import ws from 'ws';
import { checkPostgresUrl, maskUrl, type Env } from '../env';
import { withCommitOutcome } from '../dialects/pg/commit-outcome';
import { withPoolSlots } from '../dialects/pg/pool-slots';
import { pgRunTransaction } from '../dialects/pg/session';
import { RELATIONAL_SCHEMA } from '../tables';
import { deadlineFetchOptions, ExplainingPool, type Route } from './neon-faults';
import type { ProviderDefinition, ResolvedConfig } from './types';

/** neonConfig is global in the driver; it is set from the environment on every connect. */
function configureDriver(env: Env): void {
  neonConfig.webSocketConstructor = ws;
  if (env.NEON_WS_PROXY) {
    const proxy = env.NEON_WS_PROXY;
    neonConfig.wsProxy = () => proxy;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
  if (env.NEON_HTTP_ENDPOINT) neonConfig.fetchEndpoint = env.NEON_HTTP_ENDPOINT;
}

/** The host of a URL that checkPostgresUrl accepted (no user, no password). */
const hostOf = (url: string) => new URL(url).host;

/** Where the WebSocket pool connects, for messages; a proxy's query string may hold a token, so it is left out. */
function wsRoute(config: ResolvedConfig): Route {
  const proxy = config.env.NEON_WS_PROXY;
  return proxy ? `the WebSocket proxy ${proxy.split('?')[0]} (NEON_WS_PROXY)` : `Neon's WebSocket endpoint at ${hostOf(config.url)} (NEON_DATABASE_URL)`;
}

/** Where HTTP queries go, for messages. */
function httpRoute(config: ResolvedConfig): Route {
  const endpoint = config.env.NEON_HTTP_ENDPOINT;
  return endpoint ? `the HTTP endpoint ${endpoint.split('?')[0]} (NEON_HTTP_ENDPOINT)` : `Neon's HTTP endpoint at ${hostOf(config.url)} (NEON_DATABASE_URL)`;
}

/** 'http' when the caller or NEON_DRIVER asks for it; the WebSocket pool otherwise. */
function driverOf(config: ResolvedConfig): 'ws' | 'http' {
  return config.driver ?? (config.env.NEON_DRIVER === 'http' ? 'http' : 'ws');
}

export const neonProvider: ProviderDefinition = {
  name: 'neon',
  family: 'pg',
  urlVariables: ['NEON_DATABASE_URL'],

  validate(config) {
    const problems = checkPostgresUrl('NEON_DATABASE_URL', config.url);
    const driver = config.env.NEON_DRIVER;
    if (driver && driver !== 'ws' && driver !== 'http') {
      problems.push(`NEON_DRIVER must be "ws" or "http" (got "${driver}")`);
    }
    return problems;
  },

  capabilities: (config) => ({
    family: 'pg',
    singleConnection: false,
    rowLevelSecurity: false,
    transactionPooler: false,
    httpQueries: driverOf(config) === 'http',
    notifications: false,
    startupRetry: true,
  }),

  describe: (config) => `${maskUrl(config.url)} (${driverOf(config) === 'http' ? 'http' : 'websocket'})`,

  connect(config) {
    configureDriver(config.env);
    const pool = new ExplainingPool(
      {
        connectionString: config.url,
        max: config.poolMax,
        idleTimeoutMillis: config.idleTimeout * 1000,
        connectionTimeoutMillis: config.connectTimeout * 1000,
        // Client-side: a server gone silent never sends a server-side statement_timeout's error.
        query_timeout: config.statementTimeout * 1000,
      },
      wsRoute(config),
    );
    // A broken idle connection must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    const poolDb = drizzleWs({ client: pool, schema: RELATIONAL_SCHEMA });
    const httpClient = () => neon(config.url, { fetchOptions: deadlineFetchOptions(config.connectTimeout, httpRoute(config)) });
    const connection = {
      db: driverOf(config) === 'http' ? drizzleHttp({ client: httpClient(), schema: RELATIONAL_SCHEMA }) : poolDb,
      transactionDb: poolDb,
      runTransaction: pgRunTransaction,
      close: () => pool.endWithin(5),
    };
    // Over HTTP, plain queries use no pooled connection: only transactions wait for one.
    return withPoolSlots(withCommitOutcome(connection, poolDb), { poolMax: config.poolMax, timeout: config.poolTimeout, queries: driverOf(config) !== 'http' });
  },
};
