/** A table as the database catalogue describes it, normalised so both SQL families compare equal. */
export interface CatalogueTable {
  columns: Record<string, { notNull: boolean }>;
  primaryKey: string[];
  /** Columns with a single-column unique constraint or unique index. */
  uniques: string[];
  /** Names of the non-unique, non-primary-key indexes. */
  indexes: string[];
  checks: string[];
  foreignKeys: { columns: string; references: string; onDelete: string }[];
}
