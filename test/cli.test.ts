/**
 * Every command: --help works; a usage mistake exits 2; a configuration or connection problem prints one
 * clear line and exits 1; no password ever reaches the output.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const SECRET = 'cli-s3cret-pw';
const COMMANDS = ['migrate', 'seed', 'status', 'health', 'setup', 'check', 'copy', 'backup', 'restore', 'generate'];
const WITH_PROVIDER_ARG = ['migrate', 'seed', 'status', 'health'];

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/DATABASE_URL|_PROVIDER|SQLITE_PATH|NEON_DRIVER/.test(k)));
  const result = spawnSync('npx', ['tsx', `scripts/${script}.ts`, ...args], { env: { ...clean, ...env }, encoding: 'utf8' });
  const errorLines = result.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'));
  return { code: result.status, out: result.stdout + result.stderr, errorLines };
}

describe('command line contract', () => {
  for (const script of COMMANDS) {
    it(`${script} --help prints its usage and exits 0`, () => {
      const r = run(script, ['--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: /);
    });
  }

  for (const script of WITH_PROVIDER_ARG) {
    it(`${script} with an unknown provider exits 2 with the usage`, () => {
      const r = run(script, ['oracle']);
      expect(r.code).toBe(2);
      expect(r.errorLines[0]).toMatch(/unknown provider "oracle"/);
    });

    it(`${script} with a missing URL exits 1 naming the variable, in one line`, () => {
      const r = run(script, ['neon']);
      expect(r.code).toBe(1);
      expect(r.errorLines).toEqual([expect.stringMatching(/NEON_DATABASE_URL is not set/)]);
    });

    it(`${script} against an unreachable database exits 1 without the password`, () => {
      const r = run(script, ['local'], { LOCAL_DATABASE_URL: `postgres://app:${SECRET}@127.0.0.1:1/app`, DB_CONNECT_TIMEOUT: '2' });
      expect(r.code).toBe(1);
      expect(r.out).not.toContain(SECRET);
      if (script !== 'health') expect(r.errorLines).toEqual([expect.stringMatching(/Cannot reach the database/)]);
    });
  }

  it('an unknown DB_PROVIDER is a one-line configuration error listing the valid ones', () => {
    const r = run('setup', [], { DB_PROVIDER: 'oracle' });
    expect(r.code).toBe(1);
    expect(r.errorLines).toEqual(['configuration error: Unknown DB_PROVIDER value "oracle": use one of sqlite, local, supabase, neon']);
  });
  for (const script of COMMANDS) {
    it(`${script} refuses an option it does not know: exit 2 with the usage`, () => {
      const r = run(script, [...(script === 'generate' || script === 'restore' ? ['sqlite'] : []), '--bogus']);
      expect(r.code, r.out).toBe(2);
      expect(r.errorLines[0]).toMatch(/--bogus/);
      expect(r.out).toMatch(/Usage: /);
    });
  }

  for (const script of [...WITH_PROVIDER_ARG, 'setup']) {
    it(`${script} refuses an extra argument: exit 2`, () => {
      const r = run(script, ['sqlite', 'extra']);
      expect(r.code, r.out).toBe(2);
      expect(r.errorLines[0]).toMatch(/unexpected argument "extra"/);
    });
  }

  it('setup takes a provider argument and sets up that provider', () => {
    const r = run('setup', ['neon']);
    expect(r.code).toBe(1);
    expect(r.errorLines).toEqual([expect.stringMatching(/NEON_DATABASE_URL is not set/)]);
  });

  it('check with a DB_PROVIDER that names no provider is a configuration error, not "agree"', () => {
    const r = run('check', [], { DB_PROVIDER: 'mysql' });
    expect(r.code).toBe(1);
    expect(r.errorLines).toEqual(['configuration error: Unknown DB_PROVIDER value "mysql": use one of sqlite, local, supabase, neon']);
  });
});
