/**
 * A small seeded PRNG (mulberry32) and the helpers the fuzz generators use. No dependency: the same seed
 * must give the same dataset and the same cases on every run and every target, so a failure can be replayed.
 */

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
  /** `n` independent picks. */
  some<T>(list: readonly T[], n: number): T[];
  /** True with probability `p` in a hostile case, never in a tame one (tame cases reach the database). */
  wild(p: number): boolean;
}

/** A generator whose sequence depends only on `seed` (a 32-bit integer); `hostile: false` turns every wild() off. */
export function createRandom(seed: number, hostile = true): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)]!;
  const chance = (p: number) => next() < p;
  // A tame case draws the same numbers, so switching a case between modes changes only its wild branches.
  return { next, int, pick, chance, some: (list, n) => Array.from({ length: n }, () => pick(list)), wild: (p) => chance(p) && hostile };
}

/** A seed for item `index` of a run seeded with `seed`: each case can be rebuilt alone from (seed, index). */
export function subSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

/** A version-4-shaped uuid (lower case) drawn from `rand`. */
export function randomUuid(rand: Random): string {
  const hex = Array.from({ length: 32 }, () => rand.int(0, 15).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[rand.int(0, 3)]!;
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
