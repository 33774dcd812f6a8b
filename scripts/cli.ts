/**
 * What every script shares: load .env, run, print one clear line on failure, set the exit code
 * (1 for failures, 2 for usage errors). Messages come from typed errors, which hold no secrets.
 */
import 'dotenv/config';
import { maskSecrets } from '../db/env';
import { ConfigError } from '../db/errors';

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
