/**
 * Runs in every test worker: points the Neon driver at the local proxies and keeps the developer's own
 * .env (if any) out of the tests, so provider selection only sees what a test passes in.
 */
import { inject } from 'vitest';

const env = inject('testEnv');
for (const name of ['DB_PROVIDER', 'DATABASE_PROVIDER', 'DATABASE_URL', 'LOCAL_DATABASE_URL', 'SUPABASE_DATABASE_URL', 'SUPABASE_DIRECT_URL', 'NEON_DATABASE_URL', 'NEON_DRIVER', 'SQLITE_PATH']) {
  delete process.env[name];
}
process.env.NEON_WS_PROXY = env.neonWsProxy;
process.env.NEON_HTTP_ENDPOINT = env.neonHttpEndpoint;
