/**
 * Deterministic, realistic catalogue data: the same seed and count give the same rows on every provider.
 * The curated rows of seed-data.ts come first; generated ones follow, with natural keys (author name,
 * isbn, email) derived from the index so that re-running adds nothing.
 */
import type { NewAuthor, NewBook, NewUser } from '../repositories/types';
import { READING_STATUSES, type ReadingStatus } from '../schema';
import { SEED_AUTHORS, SEED_BOOKS, SEED_READING, SEED_USERS } from './seed-data';

/** mulberry32: a tiny seeded PRNG (deterministic across platforms, unlike Math.random). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Amara',
  'Bruno',
  'Chiara',
  'Dmitri',
  'Elif',
  'Farah',
  'Goran',
  'Hana',
  'Ines',
  'Jonas',
  'Kofi',
  'Léa',
  'Mateo',
  'Nadia',
  'Oren',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Viktor',
  'Wen',
  'Yara',
  'Zoltán',
];
const LAST = [
  'Abebe',
  'Becker',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fujita',
  'García',
  'Haddad',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Rossi',
  'Santos',
  'Tanaka',
  'Varga',
];
const NATIONS = ['American', 'British', 'Nigerian', 'Japanese', 'Brazilian', 'French', 'Indian', 'Polish', 'Swedish', 'Turkish', 'Mexican', 'Kenyan'];
const GENRES = ['Fantasy', 'Science Fiction', 'Literary Fiction', 'Mystery', 'Romance', 'History', 'Poetry', 'Thriller', 'Biography', 'Magical Realism'];
const ADJ = ['Silent', 'Crimson', 'Hidden', 'Last', 'Broken', 'Golden', 'Distant', 'Burning', 'Quiet', 'Endless', 'Forgotten', 'Shattered'];
const NOUN = ['River', 'Garden', 'Empire', 'Lantern', 'Harbor', 'Mountain', 'Letter', 'Orchard', 'Storm', 'Mirror', 'Machine', 'Kingdom'];

export interface SeedPlan {
  authors: NewAuthor[];
  books: (Omit<NewBook, 'authorId'> & { isbn: string; authorName: string })[];
  users: (NewUser & { email: string })[];
  reading: { email: string; isbn: string; status: ReadingStatus; rating: number | null }[];
}

/** The rows for `count` books (authors ≈ count/8, users ≈ count/20, reading entries ≈ count/2). */
export function planSeed(count: number, seed = 1): SeedPlan {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const authorCount = Math.max(SEED_AUTHORS.length, Math.ceil(count / 8));
  const authors: NewAuthor[] = SEED_AUTHORS.map((a) => ({ ...a }));
  for (let i = authors.length; i < authorCount; i++) {
    authors.push({ name: `${pick(FIRST)} ${pick(LAST)} (${seed}-${i})`, nationality: pick(NATIONS), birthYear: 1900 + Math.floor(random() * 100), bio: `Writes ${pick(GENRES).toLowerCase()}.` });
  }
  const books: SeedPlan['books'] = SEED_BOOKS.slice(0, count).map(({ author, ...b }) => ({ ...b, authorName: SEED_AUTHORS[author]!.name }));
  for (let i = books.length; i < count; i++) {
    books.push({
      title: `The ${pick(ADJ)} ${pick(NOUN)}${i % 3 === 0 ? ` of ${pick(NOUN)}s` : ''}`,
      authorName: authors[Math.floor(random() * authors.length)]!.name,
      genre: pick(GENRES),
      isbn: `979-${seed}-${String(i).padStart(9, '0')}`,
      publishedYear: 1950 + Math.floor(random() * 75),
      pages: 90 + Math.floor(random() * 700),
      price: Math.round((5 + random() * 30) * 100) / 100,
      rating: Math.round(random() * 50) / 10,
      inStock: random() > 0.15,
    });
  }
  const userCount = Math.max(SEED_USERS.length, Math.ceil(count / 20));
  const users: SeedPlan['users'] = SEED_USERS.map((u) => ({ ...u }));
  for (let i = users.length; i < userCount; i++) {
    const first = pick(FIRST);
    users.push({
      email: `${first
        .toLowerCase()
        .normalize('NFD')
        .replace(/[^a-z]/g, '')}.${seed}.${i}@example.com`,
      name: `${first} ${pick(LAST)}`,
    });
  }
  const reading: SeedPlan['reading'] = SEED_READING.filter(([, b]) => b < books.length).map(([u, b, status, rating]) => ({
    email: users[u]!.email,
    isbn: books[b]!.isbn,
    status,
    rating,
  }));
  const seen = new Set(reading.map((r) => `${r.email}|${r.isbn}`));
  for (let i = 0; i < Math.floor(count / 2); i++) {
    const entry = { email: pick(users).email, isbn: pick(books).isbn, status: pick(READING_STATUSES), rating: null as number | null };
    if (entry.status === 'read') entry.rating = 1 + Math.floor(random() * 5);
    const key = `${entry.email}|${entry.isbn}`;
    if (!seen.has(key)) {
      seen.add(key);
      reading.push(entry);
    }
  }
  return { authors, books, users, reading };
}
