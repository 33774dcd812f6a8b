/** local: any PostgreSQL reachable by URL (LOCAL_DATABASE_URL, else DATABASE_URL), through postgres.js. */
import { checkPostgresUrl, maskUrl } from '../env';
import { connectPostgresJs, hasPoolerHint } from './postgres-js';
import type { ProviderDefinition } from './types';

export const localProvider: ProviderDefinition = {
  name: 'local',
  family: 'pg',
  urlVariables: ['LOCAL_DATABASE_URL', 'DATABASE_URL'],

  validate(config) {
    const variable = config.env.LOCAL_DATABASE_URL ? 'LOCAL_DATABASE_URL' : config.env.DATABASE_URL ? 'DATABASE_URL' : 'LOCAL_DATABASE_URL (or DATABASE_URL)';
    return checkPostgresUrl(variable, config.url);
  },

  // `?pgbouncer=true` marks a transaction pooler here too: prepared statements off, hint not sent to the server.
  capabilities: (config) => ({
    family: 'pg',
    singleConnection: false,
    rowLevelSecurity: false,
    transactionPooler: hasPoolerHint(config.url),
    httpQueries: false,
    notifications: !hasPoolerHint(config.url),
    startupRetry: true,
  }),

  describe: (config) => maskUrl(config.url),

  connect(config) {
    // sslmode in the URL decides; postgres.js reads it.
    return connectPostgresJs(config, { prepare: !hasPoolerHint(config.url), stripParams: ['pgbouncer'], ssl: undefined });
  },
};
