/** A test run keeps its temp files in one folder of its own, removed at the end (none left in the OS temp folder). */
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('temp files of a test run', () => {
  it('go into the run folder that the global setup removes at the end', () => {
    expect(basename(tmpdir())).toMatch(/^catalogue-test-run-/);
    expect(basename(dirname(tmpdir()))).not.toMatch(/^catalogue-test-run-/);
  });
});
