/** The public row and input types, the same whichever provider the handle came from. */
import type { authors, books, userBooks, users } from '../schema';

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type UserUpdate = Partial<Omit<NewUser, 'id' | 'createdAt' | 'deletedAt'>>;

export type Author = typeof authors.$inferSelect;
export type NewAuthor = typeof authors.$inferInsert;
export type AuthorUpdate = Partial<Omit<NewAuthor, 'id' | 'createdAt' | 'deletedAt'>>;

export type Book = typeof books.$inferSelect;
export type NewBook = typeof books.$inferInsert;
export type BookUpdate = Partial<Omit<NewBook, 'id' | 'createdAt' | 'deletedAt'>>;

export type UserBook = typeof userBooks.$inferSelect;
export type NewUserBook = typeof userBooks.$inferInsert;
export type UserBookUpdate = Partial<Omit<NewUserBook, 'userId' | 'bookId' | 'createdAt'>>;
export type UserBookId = { userId: string; bookId: number };

export type BookWithAuthor = Book & { author: Author };
export type AuthorWithBooks = Author & { books: Book[] };
export type UserBookWithBook = UserBook & { book: Book };
