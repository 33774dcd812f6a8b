import { defineConfig } from 'drizzle-kit';
import { migrationsDir } from './config-base';

export default defineConfig({
  dialect: 'sqlite',
  // Derived from db/schema.ts at import time; a construct with no SQLite form fails here, naming table.column.
  schema: './db/dialects/sqlite/schema.ts',
  out: migrationsDir('sqlite'),
  dbCredentials: { url: process.env.SQLITE_PATH ?? './data/app.db' },
  strict: true,
  verbose: true,
});
