import { defineConfig } from 'drizzle-kit';
import { writeKitSchema } from '../db/dialects/sqlite/kit-schema';
import { migrationsDir } from './config-base';

export default defineConfig({
  dialect: 'sqlite',
  // Derived from db/schema.ts at import time (a construct with no SQLite form fails here, naming table.column);
  // the file re-exports every derived table by name, written anew on each load (see db/dialects/sqlite/kit-schema.ts).
  schema: writeKitSchema('./drizzle/sqlite-schema.generated.ts'),
  out: migrationsDir('sqlite'),
  dbCredentials: { url: process.env.SQLITE_PATH ?? './data/app.db' },
  strict: true,
  verbose: true,
});
