/**
 * Repository types computed from a table's own type, so nothing is asserted by hand: rows, inputs, the key,
 * which filters a column accepts, and whether the table has soft delete. The same on every provider.
 */
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Tables } from '../tables';

type Columns<T extends PgTable> = T['_']['columns'];

/** A row as read. */
export type RowOf<T extends PgTable> = T['$inferSelect'];
/** A row as given to create (columns with defaults optional). */
export type InsertOf<T extends PgTable> = T['$inferInsert'];

/** Fields marked `.primaryKey()` on the column (a composite key declared with primaryKey({ columns }) is not visible to the type system). */
export type PrimaryKeyField<T extends PgTable> = { [K in keyof Columns<T>]: Columns<T>[K]['_']['isPrimaryKey'] extends true ? K : never }[keyof Columns<T>] & keyof RowOf<T> & string;

/**
 * What identifies one row: the primary key's value for a one-column key; for a composite key an object
 * with its fields (checked at run time to hold exactly the key fields).
 */
export type IdOf<T extends PgTable> = [PrimaryKeyField<T>] extends [never] ? Partial<RowOf<T>> : RowOf<T>[PrimaryKeyField<T>];

/** Columns the repository manages itself. */
export type ManagedField = 'createdAt' | 'deletedAt';

/** What update() accepts: any insertable field except the key and the managed timestamps. */
export type UpdateOf<T extends PgTable> = Partial<Omit<InsertOf<T>, PrimaryKeyField<T> | ManagedField>>;

/** Fields update() may set that hold numbers (not the key): what `increment` accepts. */
export type NumericField<T extends PgTable> = {
  [K in keyof UpdateOf<T>]-?: [NonNullable<UpdateOf<T>[K]>] extends [number] ? K : never;
}[keyof UpdateOf<T>] &
  string;

/** Amounts to add to numeric fields in place (negative to subtract). */
export type Increments<T extends PgTable> = { [K in NumericField<T>]?: number };

/** True when the table has a `deletedAt` column (soft delete). */
export type HasSoftDelete<T extends PgTable> = 'deletedAt' extends keyof Columns<T> ? true : false;

/** Column types that take text operators (`contains`, `startsWith`). */
export type TextColumnType = 'PgText' | 'PgVarchar' | 'PgChar';

/** Comparison operators for one column. */
export interface Comparisons<V> {
  gt?: V;
  gte?: V;
  lt?: V;
  lte?: V;
  ne?: V;
  isNull?: boolean;
}

/** Case-insensitive text operators (text columns only); %, _ and \ match literally. */
export interface TextOperators {
  contains?: string;
  startsWith?: string;
}

/** The operators a column accepts: comparisons everywhere, text operators on text columns. */
export type Operators<C extends { _: { columnType: string; data: unknown } }> = C['_']['columnType'] extends TextColumnType
  ? Comparisons<NonNullable<C['_']['data']>> & TextOperators
  : Comparisons<NonNullable<C['_']['data']>>;

/** `{ column: value }`, `{ column: [a, b] }` or `{ column: { gt, … } }`, plus `search` and, where the table has `createdAt`, creation time. */
export type Filters<T extends PgTable> = {
  [K in keyof Columns<T> & keyof RowOf<T>]?: RowOf<T>[K] | NonNullable<RowOf<T>[K]>[] | Operators<Columns<T>[K]>;
} & { search?: string } & ('createdAt' extends keyof Columns<T> ? { createdAfter?: Date; createdBefore?: Date } : Record<never, never>);

export interface OrderBy<T extends PgTable> {
  field: keyof RowOf<T> & string;
  direction?: 'asc' | 'desc';
}

export type OrderInput<T extends PgTable> = OrderBy<T> | OrderBy<T>[];

// The example catalogue's names for its rows and inputs (any table works with RowOf<Tables['x']> etc.).
export type User = RowOf<Tables['users']>;
export type NewUser = InsertOf<Tables['users']>;
export type UserUpdate = UpdateOf<Tables['users']>;
export type Author = RowOf<Tables['authors']>;
export type NewAuthor = InsertOf<Tables['authors']>;
export type AuthorUpdate = UpdateOf<Tables['authors']>;
export type Book = RowOf<Tables['books']>;
export type NewBook = InsertOf<Tables['books']>;
export type BookUpdate = UpdateOf<Tables['books']>;
export type UserBook = RowOf<Tables['userBooks']>;
export type NewUserBook = InsertOf<Tables['userBooks']>;
export type UserBookUpdate = UpdateOf<Tables['userBooks']>;
export type UserBookId = { userId: string; bookId: number };
export type BookWithAuthor = Book & { author: Author };
export type AuthorWithBooks = Author & { books: Book[] };
export type UserBookWithBook = UserBook & { book: Book };
