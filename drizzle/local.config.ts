import { defineConfig } from 'drizzle-kit';
import { migrationsDir, PG_SCHEMA, urlFor } from './config-base';

export default defineConfig({
  dialect: 'postgresql',
  schema: PG_SCHEMA,
  out: migrationsDir('local'),
  dbCredentials: { url: urlFor('LOCAL_DATABASE_URL', 'DATABASE_URL') },
  strict: true,
  verbose: true,
});
