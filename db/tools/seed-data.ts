/** The small deterministic catalogue `npm run db:seed` writes (same rows on every provider). */
import type { ReadingStatus } from '../schema';

export const SEED_AUTHORS = [
  { name: 'Ursula K. Le Guin', nationality: 'American', birthYear: 1929, bio: 'Novelist of Earthsea and the Hainish cycle.' },
  { name: 'Chinua Achebe', nationality: 'Nigerian', birthYear: 1930, bio: 'Novelist, poet and critic.' },
  { name: 'Gabriel García Márquez', nationality: 'Colombian', birthYear: 1927, bio: 'Master of magical realism.' },
  { name: 'Haruki Murakami', nationality: 'Japanese', birthYear: 1949, bio: 'Novelist of dreamlike everyday life.' },
  { name: 'Toni Morrison', nationality: 'American', birthYear: 1931, bio: 'Nobel laureate in literature, 1993.' },
  { name: 'Stanisław Lem', nationality: 'Polish', birthYear: 1921, bio: 'Writer of philosophical science fiction.' },
] as const;

export const SEED_BOOKS = [
  { title: 'A Wizard of Earthsea', author: 0, genre: 'Fantasy', isbn: '978-0-553-38304-2', publishedYear: 1968, pages: 183, price: 9.99, rating: 4.5 },
  { title: 'The Left Hand of Darkness', author: 0, genre: 'Science Fiction', isbn: '978-0-441-47812-5', publishedYear: 1969, pages: 304, price: 12.5, rating: 4.6 },
  { title: 'The Dispossessed', author: 0, genre: 'Science Fiction', isbn: '978-0-06-051275-3', publishedYear: 1974, pages: 387, price: 13.99, rating: 4.4 },
  { title: 'Things Fall Apart', author: 1, genre: 'Literary Fiction', isbn: '978-0-385-47454-2', publishedYear: 1958, pages: 209, price: 10.0, rating: 4.3 },
  { title: 'One Hundred Years of Solitude', author: 2, genre: 'Magical Realism', isbn: '978-0-06-088328-7', publishedYear: 1967, pages: 417, price: 15.25, rating: 4.7 },
  { title: 'Love in the Time of Cholera', author: 2, genre: 'Romance', isbn: '978-0-307-38973-2', publishedYear: 1985, pages: 348, price: 14.0, rating: 4.2 },
  { title: 'Kafka on the Shore', author: 3, genre: 'Magical Realism', isbn: '978-1-4000-7927-8', publishedYear: 2002, pages: 467, price: 16.75, rating: 4.1 },
  { title: 'Norwegian Wood', author: 3, genre: 'Literary Fiction', isbn: '978-0-375-70402-4', publishedYear: 1987, pages: 296, price: 11.5, rating: 4.0 },
  { title: 'Beloved', author: 4, genre: 'Literary Fiction', isbn: '978-1-4000-3341-6', publishedYear: 1987, pages: 324, price: 13.0, rating: 4.5 },
  { title: 'Solaris', author: 5, genre: 'Science Fiction', isbn: '978-0-15-602760-1', publishedYear: 1961, pages: 204, price: 12.0, rating: 4.3 },
] as const;

export const SEED_USERS = [
  { email: 'ada@example.com', name: 'Ada Okafor' },
  { email: 'li.wei@example.com', name: 'Li Wei' },
  { email: 'maria@example.com', name: 'María Fernández' },
] as const;

/** [user index, book index, status, rating?] */
export const SEED_READING: readonly (readonly [number, number, ReadingStatus, number | null])[] = [
  [0, 0, 'read', 5],
  [0, 4, 'reading', null],
  [1, 1, 'read', 4],
  [1, 9, 'want_to_read', null],
  [2, 3, 'read', 5],
  [2, 6, 'reading', null],
];
