import { defineConfig } from 'drizzle-kit';
import { migrationsDir, PG_SCHEMA, SUPABASE_POLICIES, urlFor } from './config-base';

export default defineConfig({
  dialect: 'postgresql',
  // The policies file links row-level security to the schema's tables; only this provider reads it.
  schema: [PG_SCHEMA, SUPABASE_POLICIES],
  out: migrationsDir('supabase'),
  dbCredentials: { url: urlFor('SUPABASE_DIRECT_URL', 'SUPABASE_DATABASE_URL') },
  // Supabase creates and owns anon, authenticated, service_role …: never diff or create them.
  entities: { roles: { provider: 'supabase' } },
  strict: true,
  verbose: true,
});
