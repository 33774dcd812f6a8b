/**
 * The environment, parsed and validated in one place, then frozen. Secrets are masked wherever printed.
 */
import { config as loadDotenvFile } from 'dotenv';
import { z } from 'zod';
import { ConfigError } from './errors';

export const PROVIDER_NAMES = ['sqlite', 'local', 'supabase', 'neon'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

function positiveInt(name: string, fallback: number) {
  return optionalText.transform((v, ctx) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) {
      ctx.addIssue({ code: 'custom', message: `${name} must be a positive integer (got "${v}")` });
      return z.NEVER;
    }
    return n;
  });
}

/** A count where 0 is meaningful (0 = off). */
function count(name: string, fallback: number) {
  return optionalText.transform((v, ctx) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) {
      ctx.addIssue({ code: 'custom', message: `${name} must be a whole number, 0 or more (got "${v}")` });
      return z.NEVER;
    }
    return n;
  });
}

const envSchema = z.object({
  DB_PROVIDER: optionalText,
  DATABASE_PROVIDER: optionalText,
  SQLITE_PATH: optionalText,
  SQLITE_SYNCHRONOUS: optionalText,
  SQLITE_BUSY_TIMEOUT: positiveInt('SQLITE_BUSY_TIMEOUT', 5000),
  LOCAL_DATABASE_URL: optionalText,
  DATABASE_URL: optionalText,
  SUPABASE_DATABASE_URL: optionalText,
  SUPABASE_DIRECT_URL: optionalText,
  NEON_DATABASE_URL: optionalText,
  NEON_DRIVER: optionalText,
  NEON_WS_PROXY: optionalText,
  NEON_HTTP_ENDPOINT: optionalText,
  DB_POOL_MAX: positiveInt('DB_POOL_MAX', 10),
  DB_IDLE_TIMEOUT: positiveInt('DB_IDLE_TIMEOUT', 20),
  DB_CONNECT_TIMEOUT: positiveInt('DB_CONNECT_TIMEOUT', 10),
  DB_STATEMENT_TIMEOUT: positiveInt('DB_STATEMENT_TIMEOUT', 30),
  DB_POOL_TIMEOUT: positiveInt('DB_POOL_TIMEOUT', 10),
  DB_CONNECT_RETRIES: count('DB_CONNECT_RETRIES', 0),
});

/** The parsed environment; numbers are numbers, blanks are undefined. */
export type Env = Readonly<z.output<typeof envSchema>>;

let dotenvLoaded = false;

/**
 * Loads `./.env` (of the working directory) into process.env once; variables already set win. Scripts and
 * app code both read the environment through readEnv, so they select the same provider from the same file.
 */
export function loadDotenv(): void {
  if (dotenvLoaded) return;
  dotenvLoaded = true;
  loadDotenvFile({ quiet: true });
}

/**
 * Parses `source` (default `process.env`, after loading ./.env) into a frozen Env, or throws ConfigError
 * naming each bad variable.
 */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  if (source === process.env) loadDotenv();
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => i.message).join('; '));
  }
  return Object.freeze(parsed.data);
}

/** `postgres://user:secret@host/db` → `postgres://user:****@host/db`; unparsable input is fully masked. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, '****');
    }
    return parsed.toString();
  } catch {
    return '(unparsable URL, hidden)';
  }
}

/** Replaces any URL with a password inside `text` by its masked form. */
export function maskSecrets(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"@/]*@[^\s'"]*/gi, (match) => maskUrl(match));
}

const URL_SHAPE = 'postgres://USER@HOST:5432/DBNAME (password after USER:)';

/** Validates a Postgres URL taken from `variable`; returns the problems (empty when fine). */
export function checkPostgresUrl(variable: string, url: string | undefined): string[] {
  if (!url) return [`${variable} is not set: give it a URL like ${URL_SHAPE}`];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [`${variable} is not a valid URL: expected ${URL_SHAPE}`];
  }
  const problems: string[] = [];
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    problems.push(`${variable} must start with postgres:// or postgresql:// (got "${parsed.protocol}")`);
  }
  if (!parsed.hostname) problems.push(`${variable} has no host: expected ${URL_SHAPE}`);
  if (parsed.port && !/^\d+$/.test(parsed.port)) problems.push(`${variable} has a non-numeric port`);
  return problems;
}

/** True for hosts on this machine, where TLS is not required. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || h.startsWith('127.') || h.endsWith('.localhost');
}
