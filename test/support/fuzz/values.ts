/**
 * Value pools for the fuzz generators: hostile text (LIKE wildcards, quotes, NUL, emoji, Unicode case
 * pairs), edge numbers and dates, and values no column can hold (symbols, functions, bigints, proxies,
 * getters that throw). Strange objects are made fresh for every use, so a case behaves the same on each
 * target whatever the previous one did with its arguments.
 */
import type { Random } from './random';

/** Text that both SQL families store unchanged (no NUL, no lone surrogate): used in the dataset too. */
export const PORTABLE_TEXT = [
  '%',
  '_',
  '\\',
  '100% pure_fun',
  'back\\slash \\% \\_',
  "O'Brien",
  '"quoted"',
  "'); drop table users; --",
  'plain',
  'Plain',
  'PLAIN',
  'ünïcödé ☃ 書籍',
  '🚀 rocket',
  '👍🏽',
  'ΣΊΣΥΦΟΣ',
  'σίσυφος',
  'İstanbul',
  'istanbul',
  'ISTANBUL',
  'ß straße',
  'STRASSE',
  'ẞ',
  'ǅ ǆ Ǆ',
  'Å Å å',
  'K k',
  'e\u0301 é',
  'ı dotless',
  'ſ long s',
  ' padded ',
  'tab\tand\nnewline',
  'ﬁ ligature',
  '\u202eright-to-left',
  'z',
  'Zebra',
  'a',
  'A',
];

/** Text a filter may carry although no row holds it: the empty string, very long text. */
export const FILTER_TEXT = ['', 'long '.repeat(2000)];

/** Text no provider can compare: NUL, lone surrogates. */
export const WILD_TEXT = ['a\u0000b', '\u0000', '\ud800', 'x\udfffy'];

/** Numbers every integer column can hold (int4), and the edges around them. */
export const SAFE_INTEGERS = [0, -0, 1, -1, 2, 3, 5, 6, 3000, -3000, 2 ** 31 - 1, -(2 ** 31)];

/** Finite numbers for float and numeric columns, including the awkward ones. */
export const SAFE_FLOATS = [...SAFE_INTEGERS, 0.25, 2.5, 4.75, 0.1, 0.30000000000000004, 1e21, 1e308, -1e308, 5e-324, 99_999_999.99, 2 ** 53, 2 ** 53 + 2];

/** Numbers some or all columns cannot hold. */
export const WILD_NUMBERS = [1.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

/** A Date in year `year` (setUTCFullYear: Date.UTC maps years 0–99 to 1900–1999). */
export function dateInYear(year: number, ms = 0): Date {
  const d = new Date(ms);
  d.setUTCFullYear(year);
  return d;
}

/** Dates inside every provider's range. */
export function safeDates(): Date[] {
  return [new Date(0), dateInYear(1), dateInYear(100), dateInYear(9999), new Date('2024-02-29T12:00:00.000Z')];
}

/** Dates outside it, or not dates at all. */
export function wildDates(): Date[] {
  return [new Date(Number.NaN), dateInYear(0), dateInYear(10_000), new Date(8.64e15), new Date(-8.64e15)];
}

/** A fresh value that no column can hold, or that is hard to even read. */
export function strangeValue(rand: Random): unknown {
  switch (rand.int(0, 15)) {
    case 0:
      return Symbol('fuzz');
    case 1:
      return () => 1;
    case 2:
      return 10n;
    case 3:
      return {};
    case 4:
      return [];
    case 5:
      return new Map([['gt', 1]]);
    case 6:
      return Object.create(null);
    case 7:
      return new String('plain');
    case 8:
      return new Number(1);
    case 9:
      return Object.defineProperty({}, 'gt', {
        enumerable: true,
        get: () => {
          throw new Error('getter');
        },
      });
    case 10:
      return new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('proxy');
          },
          getPrototypeOf: () => {
            throw new Error('proxy');
          },
        },
      );
    case 11: {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    }
    case 12: {
      // A Date whose own toISOString lies: a driver that serialises with it would send SQL-looking text.
      const d = new Date(0);
      Object.defineProperty(d, 'toISOString', { value: () => "'; drop table users; --" });
      return d;
    }
    case 13:
      return /regexp/;
    case 14:
      return { [Symbol('key')]: 1 };
    default:
      return undefined;
  }
}

/** A null-prototype copy of `ops` (the shape JSON-parsing libraries and Object.create(null) give). */
export function nullProto(ops: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, ops);
}
