/** local: any PostgreSQL reachable by URL (LOCAL_DATABASE_URL, else DATABASE_URL), through postgres.js. */
import { checkPostgresUrl } from '../env';
import { connectPostgresJs } from './postgres-js';
import type { ProviderDefinition } from './types';

export const localProvider: ProviderDefinition = {
  name: 'local',
  family: 'pg',
  urlVariables: ['LOCAL_DATABASE_URL', 'DATABASE_URL'],

  validate(config) {
    const variable = config.env.LOCAL_DATABASE_URL ? 'LOCAL_DATABASE_URL' : config.env.DATABASE_URL ? 'DATABASE_URL' : 'LOCAL_DATABASE_URL (or DATABASE_URL)';
    return checkPostgresUrl(variable, config.url);
  },

  connect(config) {
    // `?pgbouncer=true` marks a transaction pooler here too: prepared statements off, hint not sent to the server.
    const pooled = new URL(config.url).searchParams.get('pgbouncer') === 'true';
    return connectPostgresJs(config, {
      prepare: !pooled,
      stripParams: ['pgbouncer'],
      // sslmode in the URL decides; postgres.js reads it.
      ssl: undefined,
      capabilities: {
        family: 'pg',
        singleConnection: false,
        rowLevelSecurity: false,
        transactionPooler: pooled,
        httpQueries: false,
      },
    });
  },
};
