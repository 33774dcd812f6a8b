/**
 * A table as the database catalogue describes it, normalised so both SQL families compare equal, and the
 * per-column facts (type, nullability, default) each family normalises in its own column-facts.ts.
 */

/** One foreign key: local columns, `table(columns)` it references, and its actions (lower case). */
export interface CatalogueForeignKey {
  columns: string;
  references: string;
  onDelete: string;
  onUpdate: string;
}

export interface CatalogueTable {
  columns: Record<string, { notNull: boolean }>;
  primaryKey: string[];
  /** Column lists (comma-joined) that are unique over every row: unique constraints and non-partial unique indexes. */
  uniques: string[];
  /** Names of every index except the primary key's (unique-constraint indexes and partial unique indexes included). */
  indexes: string[];
  checks: string[];
  foreignKeys: CatalogueForeignKey[];
}

/** A column default: absent, or present with its normalised expression (`text` undefined when it cannot be compared reliably). */
export type ColumnDefault = { present: false } | { present: true; text: string | undefined };

/** What db:check compares per column; `type` is normalised by the family (pg: full type, sqlite: affinity). */
export interface CatalogueColumn {
  type: string;
  notNull: boolean;
  default: ColumnDefault;
}

export const NO_DEFAULT: ColumnDefault = Object.freeze({ present: false });

/** Orders foreign keys so two lists of the same keys are equal. */
export function sortForeignKeys(keys: CatalogueForeignKey[]): CatalogueForeignKey[] {
  return keys.sort((a, b) => `${a.columns}>${a.references}`.localeCompare(`${b.columns}>${b.references}`));
}

/** Names of the columns the primary key covers (column-level or table-level); the database makes them NOT NULL. */
export function primaryKeyColumns(config: { columns: { name: string; primary: boolean }[]; primaryKeys: { columns: { name: string }[] }[] }): Set<string> {
  return new Set([...config.columns.filter((c) => c.primary).map((c) => c.name), ...(config.primaryKeys[0]?.columns.map((c) => c.name) ?? [])]);
}

/** Drops parentheses that wrap the whole expression, e.g. `((-1))` → `-1` (catalogues add or strip them). */
function unwrap(text: string): string {
  while (text.startsWith('(') && text.endsWith(')')) {
    let depth = 0;
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === "'") quoted = !quoted;
      if (quoted) continue;
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      if (depth === 0 && i < text.length - 1) return text; // the first parenthesis closes before the end: `(a) + (b)`
    }
    text = text.slice(1, -1).trim();
  }
  return text;
}

/**
 * A default expression in one comparable form: lower case and compact spacing outside string literals,
 * no `::type` casts (Postgres adds them to literals), no wrapping parentheses, numbers unquoted.
 * Example: `('-1'::integer)` → `-1`, `'a b'::text` → `'a b'`, `CURRENT_TIMESTAMP` → `current_timestamp`.
 */
export function normalizeDefault(text: string): string {
  const parts = text.trim().split(/('(?:[^']|'')*')/);
  const joined = parts
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .toLowerCase()
            .replace(/\s+/g, ' ')
            .replace(/\s*([^\w\s])\s*/g, '$1')
            .replace(/::[a-z_][a-z0-9_ ]*(\(\d+(,\d+)?\))?(\[\])*/g, ''),
    )
    .join('')
    .trim();
  return unwrap(joined).replace(/^'(-?\d+(\.\d+)?)'$/, '$1');
}

/**
 * The default a JS literal in the schema becomes, where both families store it as drizzle-kit wrote it:
 * booleans, plain numbers and strings on character columns. Other literals (dates, json, arrays) are
 * canonicalised by the database, so only their presence is compared.
 */
export function literalDefault(value: unknown, characterColumn: boolean): ColumnDefault {
  if (typeof value === 'boolean') return { present: true, text: String(value) };
  if (typeof value === 'number' && Number.isFinite(value) && !/e/i.test(String(value))) return { present: true, text: String(value) };
  if (typeof value === 'string' && characterColumn) return { present: true, text: normalizeDefault(`'${value.replace(/'/g, "''")}'`) };
  return { present: true, text: undefined };
}
