/**
 * Column types, nullability and defaults on the Postgres family, declared (db/schema.ts) and live
 * (pg_catalog), in one normalised form so db:check finds what `drizzle-kit push` would change.
 */
import { is, SQL, sql } from 'drizzle-orm';
import { getTableConfig, PgDialect, type PgColumn } from 'drizzle-orm/pg-core';
import type { DatabaseClient } from '../../client';
import { PG_TABLES } from '../../tables';
import { type CatalogueColumn, type ColumnDefault, literalDefault, NO_DEFAULT, normalizeDefault, primaryKeyColumns } from '../catalogue';

// Spellings Drizzle or a user may write, as format_type() prints them.
const TYPE_ALIASES: [RegExp, string][] = [
  [/^(int|int4|serial|serial4)$/, 'integer'],
  [/^(int8|bigserial|serial8)$/, 'bigint'],
  [/^(int2|smallserial|serial2)$/, 'smallint'],
  [/^float8$/, 'double precision'],
  [/^float4$/, 'real'],
  [/^bool$/, 'boolean'],
  [/^decimal/, 'numeric'],
  [/^varchar/, 'character varying'],
  [/^char(\(|$)/, 'character$1'],
  [/^timestamptz(\(\d+\))?$/, 'timestamp$1 with time zone'],
  [/^timestamp(\(\d+\))?$/, 'timestamp$1 without time zone'],
  [/^timetz(\(\d+\))?$/, 'time$1 with time zone'],
  [/^time(\(\d+\))?$/, 'time$1 without time zone'],
];

/** A Postgres type in format_type() form, e.g. `numeric(10, 2)` → `numeric(10,2)`, `timestamp` → `timestamp without time zone`. */
export function normalizePgType(type: string): string {
  const compact = type
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1')
    .replace(/\)(\w)/, ') $1');
  const [, base = '', arrays = ''] = /^(.*?)((?:\[\])*)$/.exec(compact) ?? [];
  const aliased = TYPE_ALIASES.reduce((t, [pattern, to]) => t.replace(pattern, to), base);
  return (aliased === 'character' ? 'character(1)' : aliased) + arrays;
}

function declaredDefault(col: PgColumn): ColumnDefault {
  if (col.generated || col.generatedIdentity) return NO_DEFAULT; // generated values are not defaults in pg_attrdef
  if (/Serial/.test(col.columnType)) return { present: true, text: undefined }; // nextval() of a sequence named by Postgres
  if (col.default === undefined) return NO_DEFAULT; // $defaultFn runs in JavaScript: nothing in the database
  if (is(col.default, SQL)) {
    const query = new PgDialect().sqlToQuery(col.default);
    return { present: true, text: query.params.length ? undefined : normalizeDefault(query.sql) };
  }
  const character = col.enumValues !== undefined || /^(text|character)/.test(normalizePgType(col.getSQLType()));
  return literalDefault(col.default, character);
}

/** The columns of table `name` as db/schema.ts declares them (empty when the schema has no such table). */
export function expectedPgColumns(name: string): Record<string, CatalogueColumn> {
  const table = Object.values(PG_TABLES).find((t) => getTableConfig(t).name === name);
  if (!table) return {};
  const config = getTableConfig(table);
  const primary = primaryKeyColumns(config);
  return Object.fromEntries(config.columns.map((col) => [col.name, { type: normalizePgType(col.getSQLType()), notNull: col.notNull || primary.has(col.name), default: declaredDefault(col) }]));
}

/** The columns of table `name` of the public schema as the database has them. */
export async function readPgColumns(db: DatabaseClient, name: string): Promise<Record<string, CatalogueColumn>> {
  // Text results only, so every driver (neon over HTTP included) returns the same values.
  const rows = await db.execute(sql`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, case when a.attnotnull then 'yes' else 'no' end as not_null,
      case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end as default_expr
    from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attrelid = to_regclass(${`public.${name}`}) and a.attnum > 0 and not a.attisdropped`);
  return Object.fromEntries(
    rows.map((r) => [
      String(r.name),
      {
        type: normalizePgType(String(r.type)),
        notNull: r.not_null === 'yes',
        default: r.default_expr == null ? NO_DEFAULT : { present: true, text: normalizeDefault(String(r.default_expr)) },
      },
    ]),
  );
}
