/** The provider registry: one module per provider, looked up by name. */
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
