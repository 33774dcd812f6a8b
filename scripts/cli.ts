/**
 * What every script shares: load .env, run, print one clear line on failure, set the exit code
 * (1 for failures, 2 for usage errors). Messages come from typed errors, which hold no secrets.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadDotenv, maskSecrets } from '../db/env';
import { ConfigError } from '../db/errors';

loadDotenv(); // the same .env the library reads (db/env.ts)

/** A mistake in the command line: printed with the usage text, exit code 2. */
export class UsageError extends Error {}

/** Runs a script body and exits with its code (0 on success). */
export function runScript(usage: string, body: (args: string[]) => Promise<number | void>): void {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage);
    return;
  }
  body(args).then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      const message = maskSecrets(error instanceof Error ? error.message : String(error));
      if (error instanceof UsageError) {
        console.error(`error: ${message}\n\n${usage}`);
        process.exitCode = 2;
        return;
      }
      const kind = error instanceof ConfigError ? 'configuration error' : 'error';
      console.error(`${kind}: ${message}`);
      process.exitCode = 1;
    },
  );
}

/** node:util parseArgs, with its complaints (unknown option, missing value) turned into UsageError. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The command line of a script that takes at most `maxPositionals` arguments and the given options: an
 * unknown option or an extra argument is a UsageError (exit 2 with the usage), never silently ignored.
 */
export function parseStrict<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, maxPositionals: number) {
  const parsed = parseCommandLine({ args, options, allowPositionals: true, strict: true });
  const extra = parsed.positionals[maxPositionals];
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra.slice(0, 60)}"`);
  return parsed;
}
