/** npm run db:check — schema captured by migrations (every provider), history and live structure (configured ones). */
import { checkDatabase, checkSchemaCaptured, createDatabaseClient, getCurrentProvider, PROVIDER_NAMES, readRoleReport, validateProviderConfig } from '../db';
import { parseStrict, runScript } from './cli';

const USAGE = `Usage: npm run db:check
  1. fails when db/schema.ts has changes with no migration for some provider (run it in CI)
  2. fails when a configured database disagrees with its migration history
  3. fails when a configured database's tables differ from the schema: columns, types, nullability,
     defaults, primary keys, foreign keys (with on delete/on update), uniques, indexes and checks
  4. on a database with row-level security (supabase), fails on every table of the public schema without
     RLS or without a policy, a policy on a table whose RLS is off, an UPDATE policy without WITH CHECK,
     auth.uid()/auth.jwt()/auth.role() called per row instead of (select ...), two permissive policies for
     the same role and action, and a foreign key without an index; each line names the table, the policy
     and the fix. It also prints the role the handle runs as, with a warning (exit code unchanged) when
     that role bypasses RLS (superuser, BYPASSRLS or table owner)`;

runScript(USAGE, async (args) => {
  parseStrict(args, {}, 0);
  getCurrentProvider(); // a DB_PROVIDER naming no provider is a configuration error, not "agree"
  const problems: string[] = [];
  for (const provider of PROVIDER_NAMES) problems.push(...(await checkSchemaCaptured(provider)));
  for (const provider of PROVIDER_NAMES) {
    if (!validateProviderConfig(provider).ok) {
      console.log(`${provider}: database not configured, only its migrations were checked`);
      continue;
    }
    const db = createDatabaseClient(provider);
    try {
      problems.push(...(await checkDatabase(db)));
      if (db.capabilities.rowLevelSecurity) {
        const role = await readRoleReport(db);
        console.log(`${provider}: ${role.summary}`);
        if (role.warning) console.warn(`${provider}: warning: ${role.warning}`);
      }
    } finally {
      await db.close();
    }
  }
  if (problems.length === 0) {
    console.log('db:check: schema, migrations and databases agree');
    return 0;
  }
  console.log(`db:check found ${problems.length} problem(s):`);
  for (const p of problems) console.log(`  - ${p}`);
  return 1;
});
