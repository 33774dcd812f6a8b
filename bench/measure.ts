/** Tiny side-by-side timer: warm up, then run each case for a fixed count and report ops/s and ratios. */

export interface Case {
  name: string;
  /** One operation; awaited. */
  run: (i: number) => unknown;
}

export interface Result {
  name: string;
  opsPerSec: number;
  heapDeltaMb: number;
}

/** Runs `cases` alternately in rounds (so machine noise hits each alike) and returns the median rate. */
export async function compare(cases: Case[], iterations: number, rounds = 5): Promise<Result[]> {
  const rates = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const heap = new Map<string, number>();
  for (const c of cases) for (let i = 0; i < Math.min(200, iterations); i++) await c.run(i);
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      const heapBefore = process.memoryUsage().heapUsed;
      const started = performance.now();
      for (let i = 0; i < iterations; i++) await c.run(i);
      const seconds = (performance.now() - started) / 1000;
      rates.get(c.name)!.push(iterations / seconds);
      heap.set(c.name, Math.max(heap.get(c.name) ?? 0, (process.memoryUsage().heapUsed - heapBefore) / 1048576));
    }
  }
  return cases.map((c) => {
    const sorted = rates.get(c.name)!.sort((a, b) => a - b);
    return { name: c.name, opsPerSec: sorted[Math.floor(sorted.length / 2)]!, heapDeltaMb: heap.get(c.name) ?? 0 };
  });
}

/** Prints results with each one's speed relative to the first (the raw driver, unless `base` names it otherwise). */
export function report(title: string, results: Result[], baseName = 'raw', unit = 'ops/s'): void {
  const base = results[0]!.opsPerSec;
  console.log(`\n${title}`);
  for (const r of results) {
    const ratio = r.opsPerSec / base;
    console.log(`  ${r.name.padEnd(34)} ${r.opsPerSec.toFixed(0).padStart(9)} ${unit}   ${(ratio * 100).toFixed(1).padStart(6)}% of ${baseName}`);
  }
}
