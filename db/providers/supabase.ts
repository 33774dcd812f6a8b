/**
 * supabase: Supabase Postgres through postgres.js (SUPABASE_DATABASE_URL). TLS is required for every
 * host that is not this machine. A transaction-pooler URL (port 6543, or `pgbouncer=true`) turns off
 * prepared statements automatically; migrations use SUPABASE_DIRECT_URL (port 5432).
 */
import { checkPostgresUrl, isLoopbackHost, maskUrl } from '../env';
import { connectPostgresJs, hasPoolerHint } from './postgres-js';
import type { ProviderDefinition } from './types';

/** True when `url` points at a transaction pooler (Supavisor/pgbouncer on 6543, or pgbouncer=true). */
export function isTransactionPoolerUrl(url: string): boolean {
  try {
    return new URL(url).port === '6543' || hasPoolerHint(url);
  } catch {
    return false;
  }
}

export const supabaseProvider: ProviderDefinition = {
  name: 'supabase',
  family: 'pg',
  urlVariables: ['SUPABASE_DATABASE_URL'],
  directUrlVariable: 'SUPABASE_DIRECT_URL',

  validate(config) {
    const problems = checkPostgresUrl('SUPABASE_DATABASE_URL', config.url);
    if (config.directUrl) problems.push(...checkPostgresUrl('SUPABASE_DIRECT_URL', config.directUrl));
    if (problems.length > 0) return problems;
    for (const [name, url] of [
      ['SUPABASE_DATABASE_URL', config.url],
      ['SUPABASE_DIRECT_URL', config.directUrl],
    ] as const) {
      if (!url) continue;
      const parsed = new URL(url);
      if (!isLoopbackHost(parsed.hostname) && parsed.searchParams.get('sslmode') === 'disable') {
        problems.push(`${name} disables TLS (sslmode=disable) for a remote host: Supabase requires TLS; remove sslmode=disable`);
      }
    }
    return problems;
  },

  capabilities: (config) => ({
    family: 'pg',
    singleConnection: false,
    rowLevelSecurity: true,
    transactionPooler: isTransactionPoolerUrl(config.url),
    httpQueries: false,
    notifications: !isTransactionPoolerUrl(config.url),
    startupRetry: true,
  }),

  describe: (config) => maskUrl(config.url),

  connect(config) {
    return connectPostgresJs(config, {
      prepare: !isTransactionPoolerUrl(config.url),
      ssl: isLoopbackHost(new URL(config.url).hostname) ? undefined : 'require',
      stripParams: ['pgbouncer'],
    });
  },
};
