/** npm run db:status [provider|all] — applied and pending migrations; exit 1 when anything is pending. */
import { getCurrentProvider, getMigrationStatus, isProviderName, PROVIDER_NAMES, validateProviderConfig, type ProviderName } from '../db';
import { parseStrict, runScript, UsageError } from './cli';

const USAGE = `Usage: npm run db:status -- [provider|all]
  Lists applied and pending migrations with their names and dates; exit 1 when anything is pending,
  modified (changed after it was applied) or unknown (applied, but no file here).`;

async function statusOf(provider: ProviderName): Promise<boolean> {
  const s = await getMigrationStatus(provider);
  const when = (tag: string) => s.generatedAt[tag]?.toISOString().replace('T', ' ').slice(0, 16) ?? '';
  console.log(`${provider}: ${s.applied.length} applied, ${s.pending.length} pending`);
  for (const tag of s.applied) console.log(`  applied  ${tag.padEnd(34)} generated ${when(tag)}`);
  for (const tag of s.pending) console.log(`  pending  ${tag.padEnd(34)} generated ${when(tag)}`);
  for (const tag of s.duplicates) console.log(`  TWICE    ${tag} (recorded more than once)`);
  for (const tag of s.modified) console.log(`  MODIFIED ${tag} (file changed after it was applied)`);
  for (const hash of s.unknown) console.log(`  UNKNOWN  ${hash.slice(0, 12)} (recorded in the database, no file)`);
  return s.pending.length + s.modified.length + s.unknown.length + s.duplicates.length === 0;
}

runScript(USAGE, async (args) => {
  const [target] = parseStrict(args, {}, 1).positionals;
  if (target !== undefined && target !== 'all' && !isProviderName(target)) throw new UsageError(`unknown provider "${target}"`);
  const providers = target === 'all' ? PROVIDER_NAMES.filter((p) => validateProviderConfig(p).ok) : [target ?? getCurrentProvider().provider];
  let clean = true;
  for (const provider of providers) clean = (await statusOf(provider as ProviderName)) && clean;
  return clean ? 0 : 1;
});
