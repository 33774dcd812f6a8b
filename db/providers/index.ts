/** The provider registry: one module per provider, looked up by name, and the order the environment selects them in. */
import type { ProviderName } from '../env';
import { localProvider } from './local';
import { neonProvider } from './neon';
import { sqliteProvider } from './sqlite';
import { supabaseProvider } from './supabase';
import type { ProviderDefinition } from './types';

export const PROVIDERS: Readonly<Record<ProviderName, ProviderDefinition>> = Object.freeze({
  sqlite: sqliteProvider,
  local: localProvider,
  supabase: supabaseProvider,
  neon: neonProvider,
});

/**
 * Without DB_PROVIDER, the first provider in this order with one of its URL variables set is selected;
 * when none is set, the provider with a default URL (the embedded SQLite file).
 */
export const SELECTION_ORDER: readonly ProviderDefinition[] = Object.freeze([neonProvider, supabaseProvider, localProvider, sqliteProvider]);
