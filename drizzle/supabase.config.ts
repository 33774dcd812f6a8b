import { defineConfig } from 'drizzle-kit';
import { migrationsDir, PG_SCHEMA, urlFor } from './config-base';

export default defineConfig({
  dialect: 'postgresql',
  schema: PG_SCHEMA,
  out: migrationsDir('supabase'),
  dbCredentials: { url: urlFor('SUPABASE_DIRECT_URL', 'SUPABASE_DATABASE_URL') },
  strict: true,
  verbose: true,
});
