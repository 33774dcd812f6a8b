/**
 * Seeded fuzzing of every read method of every repository (derived from the schema and createRepositories)
 * over a deterministic dataset: filters with every operator and column type, wrong types, hostile text,
 * edge numbers and dates, forged cursors, sort terms, pages. On each target: every failure is a typed
 * DbError and no table changes. With sqlite and local both selected: both give the same outcome per case.
 *
 * FUZZ_SEED replays a run (the seed is printed); FUZZ_CASES changes the number of cases per target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, SCHEMA_TABLES, tableChecksums, type Repositories, type TableChecksum } from '../db';
import { planCases, type FuzzCase } from './support/fuzz/cases';
import { declaredColumns, planDataset, writeDataset } from './support/fuzz/dataset';
import type { TableView } from './support/fuzz/filters';
import { describeValue, runCase, type Outcome } from './support/fuzz/outcome';
import { freshDatabase, selectedTargets, type TargetName, type TestDatabase } from './support/targets';

const SEED = Number.parseInt(process.env.FUZZ_SEED ?? '', 10) || 20_240_611;
const CASES = Number.parseInt(process.env.FUZZ_CASES ?? '', 10) || 5000;
const dataset = planDataset(SEED);
const views: TableView[] = SCHEMA_TABLES.map((info) => ({ key: info.key, columns: declaredColumns(info), primaryKey: info.primaryKey, rows: dataset.get(info.key)! }));
const outcomes = new Map<TargetName, Outcome[]>();
const checksums = new Map<TargetName, TableChecksum[]>();
let cases: FuzzCase[] | undefined;

/** The case list, planned once from the repositories' own method names (the same on every target). */
function casesFor(repos: Repositories): FuzzCase[] {
  cases ??= planCases(SEED, CASES, views, (key) => Object.keys((repos as unknown as Record<string, object>)[key]!));
  return cases;
}

const show = (c: FuzzCase) =>
  `#${c.index} ${c.repo}.${c.method}${c.walk ? ' (walk)' : ''}(${c
    .args()
    .map((a) => describeValue(a))
    .join(', ')})`;

for (const target of selectedTargets()) {
  describe(`${target.name}: fuzzed reads (seed ${SEED})`, () => {
    let t: TestDatabase;
    let repos: Repositories;

    beforeAll(async () => {
      t = await freshDatabase(target);
      await writeDataset(t.client, dataset);
      repos = createRepositories(t.client);
      checksums.set(target.name, await tableChecksums(t.client));
    });
    afterAll(() => t?.cleanup());

    it(`${CASES} generated read calls fail only with typed errors`, { timeout: 300_000 }, async () => {
      const list = casesFor(repos);
      const started = Date.now();
      const results: Outcome[] = [];
      for (const c of list) results.push(await runCase(repos, c));
      outcomes.set(target.name, results);
      const failed = results.filter((o) => o.text.startsWith('error')).length;
      console.log(`fuzz ${target.name}: seed ${SEED}, ${list.length} cases (${failed} typed errors) in ${Date.now() - started} ms`);
      const untyped = results.flatMap((o, i) => (o.untyped ? [`${show(list[i]!)} → ${o.untyped}`] : []));
      expect(untyped.slice(0, 25), `${untyped.length} untyped failures (FUZZ_SEED=${SEED})`).toEqual([]);
    });

    it('leaves every table unchanged (row counts and checksums)', async () => {
      expect(await tableChecksums(t.client)).toEqual(checksums.get(target.name));
    });
  });
}

/** Fails listing the cases where `b`'s outcome differs from `a`'s. */
function expectSameOutcomes(a: TargetName, b: TargetName): void {
  const left = outcomes.get(a);
  const right = outcomes.get(b);
  expect(left && right, `${a} and ${b} both ran their cases`).toBeTruthy();
  const differences = cases!.flatMap((c, i) => (left![i]!.text === right![i]!.text ? [] : [`${show(c)}\n    ${a}: ${left![i]!.text.slice(0, 300)}\n    ${b}: ${right![i]!.text.slice(0, 300)}`]));
  if (differences.length) console.log(`fuzz: ${differences.length} differences between ${a} and ${b} (FUZZ_SEED=${SEED})\n${differences.join('\n')}`);
  expect(differences.slice(0, 20), `${differences.length} cases differ (FUZZ_SEED=${SEED})`).toEqual([]);
}

const names = selectedTargets().map((t) => t.name);
// Compares two targets' outcomes case by case: registered only when sqlite and local are both selected (PROVIDERS).
describe.runIf(names.includes('sqlite') && names.includes('local'))(`fuzz: sqlite and local agree (seed ${SEED})`, () => {
  it('start from the same data', () => {
    expect(checksums.get('local')).toEqual(checksums.get('sqlite'));
  });

  it('give the same outcome for every case: the same rows in the same order, or the same error class and code', () => {
    expectSameOutcomes('sqlite', 'local');
  });
});

const poolersAndDrivers = names.filter((n) => n !== 'sqlite' && n !== 'local');
// The other Postgres targets (transaction pooler, Neon drivers) against local: registered only when local and one of them are selected.
describe.runIf(names.includes('local') && poolersAndDrivers.length > 0)(`fuzz: ${poolersAndDrivers.join(', ')} agree with local (seed ${SEED})`, () => {
  for (const name of poolersAndDrivers) it(`${name} gives the same outcome as local for every case`, () => expectSameOutcomes('local', name));
});
