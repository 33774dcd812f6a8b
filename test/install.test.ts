/** A fresh install runs the install scripts it needs: every package with one is declared in allowScripts (npm 12 skips the rest). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('install scripts', () => {
  it('every package of the lockfile that has an install script is reviewed in package.json allowScripts', () => {
    const lock = read('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = new Set(
      Object.entries(lock.packages)
        // "" is this project: its own postinstall (patch-package, applying patches/) is reviewed here, not a dependency's.
        .filter(([path, p]) => path !== '' && p.hasInstallScript)
        .map(([path]) => path.split('node_modules/').at(-1)!),
    );
    expect(withScripts.size).toBeGreaterThan(0);
    const allowed = (read('package.json').allowScripts ?? {}) as Record<string, boolean>;
    for (const name of withScripts) expect(allowed[name], name).toBe(true);
  });
});
