/**
 * db:check finds what `drizzle-kit push` would change after hand-made drift: a dropped foreign key, a changed
 * foreign key action, column types, nullability and defaults, on every target.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDatabase, type DatabaseClient, type SqlFamily } from '../db';
import { freshDatabase, selectedTargets, type TestDatabase } from './support/targets';

/** Name of the foreign key from `table` to `parent` (Postgres names it; the test does not guess). */
async function pgForeignKey(db: DatabaseClient, table: string, parent: string): Promise<string> {
  const [row] = await db.execute(sql`select conname from pg_constraint where contype = 'f' and conrelid = to_regclass(${table}) and confrelid = to_regclass(${parent})`);
  return String(row!.conname);
}

/**
 * SQLite alters no column type, default or foreign key in place: the table is rebuilt from its own DDL
 * with `edits` applied (so the test keeps whatever else the migrations made), then its indexes and triggers. The tables
 * are empty, so no rows are copied. An edit that matches nothing fails the test instead of testing nothing.
 */
async function rebuildSqliteTable(db: DatabaseClient, table: string, edits: [RegExp, string][]): Promise<void> {
  const [row] = await db.execute(sql`select sql from sqlite_master where type = 'table' and name = ${table}`);
  let ddl = String(row!.sql);
  for (const [pattern, replacement] of edits) {
    const next = ddl.replace(pattern, replacement);
    if (next === ddl) throw new Error(`drift edit ${pattern} matched nothing in: ${ddl}`);
    ddl = next;
  }
  // Indexes and triggers (the change feed's) go with the dropped table: made again after it.
  const indexes = await db.execute(sql`select sql from sqlite_master where type in ('index', 'trigger') and tbl_name = ${table} and sql is not null`);
  await db.execute(sql`pragma foreign_keys = off`);
  await db.execute(sql.raw(`drop table "${table}"`));
  await db.execute(sql.raw(ddl));
  for (const index of indexes) await db.execute(sql.raw(String(index.sql)));
  await db.execute(sql`pragma foreign_keys = on`);
}

const col = (name: string) => `[\`"]${name}[\`"]`;

/** The same drift in each family's SQL, and the lines only that family can report. */
const DRIFT: Record<SqlFamily, { apply(db: DatabaseClient): Promise<void>; only: (p: string) => string[] }> = {
  pg: {
    async apply(db) {
      await db.execute(sql.raw(`alter table books drop constraint "${await pgForeignKey(db, 'books', 'authors')}"`));
      await db.execute(sql`alter table books alter column pages type text`);
      await db.execute(sql`alter table books alter column price type numeric(12,4)`);
      await db.execute(sql`alter table books alter column created_at type timestamp without time zone`);
      await db.execute(sql`alter table books alter column in_stock drop default`);
      await db.execute(sql`alter table books alter column genre set default 'novel'`);
      await db.execute(sql`alter table books alter column title drop not null`);
      await db.execute(sql`alter table user_books alter column status set default 'reading'`);
      const fk = await pgForeignKey(db, 'user_books', 'users');
      await db.execute(sql.raw(`alter table user_books drop constraint "${fk}", add constraint "${fk}" foreign key (user_id) references users(id) on delete no action`));
    },
    only: (p) => [
      `${p}: column books.price type is numeric(12,4), db/schema.ts says numeric(10,2)`,
      `${p}: column books.created_at type is timestamp without time zone, db/schema.ts says timestamp with time zone`,
    ],
  },
  sqlite: {
    async apply(db) {
      await rebuildSqliteTable(db, 'books', [
        [new RegExp(`,\\s*FOREIGN KEY\\s*\\(${col('author_id')}\\)[^,]*?(?=,|\\s*\\)\\s*$)`, 'i'), ''],
        [new RegExp(`(${col('pages')}\\s+)integer`, 'i'), '$1text'],
        // Same NUMERIC affinity as `numeric`: SQLite stores and compares both alike, so this is no difference.
        [new RegExp(`(${col('price')}\\s+)numeric`, 'i'), '$1numeric(12,4)'],
        [new RegExp(`(${col('in_stock')}\\s+integer)\\s+DEFAULT\\s+\\S+`, 'i'), '$1'],
        [new RegExp(`(${col('genre')}\\s+text)`, 'i'), "$1 DEFAULT 'novel'"],
        [new RegExp(`(${col('title')}\\s+text)\\s+NOT NULL`, 'i'), '$1'],
      ]);
      await rebuildSqliteTable(db, 'user_books', [
        [new RegExp(`(${col('status')}\\s+text\\s+DEFAULT\\s+)'want_to_read'`, 'i'), "$1'reading'"],
        [new RegExp(`(FOREIGN KEY\\s*\\(${col('user_id')}\\)[^,]*ON DELETE\\s+)cascade`, 'i'), '$1no action'],
      ]);
    },
    only: () => [],
  },
};

for (const target of selectedTargets()) {
  describe(`${target.name}: db:check compares keys, types, nullability and defaults`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await freshDatabase(target, { migrate: true });
    });
    afterAll(() => t.cleanup());

    it('lists each hand-made difference, and nothing on a freshly migrated database', async () => {
      const p = target.provider;
      expect(await checkDatabase(t.client)).toEqual([]);
      await DRIFT[target.capabilities.family].apply(t.open(t.directOverrides));
      const expected = [
        `${p}: foreign key books(author_id) references authors(id) is missing from the database`,
        `${p}: column books.pages type is text, db/schema.ts says integer`,
        `${p}: column books.in_stock has no default, db/schema.ts says true`,
        `${p}: column books.genre has default 'novel', db/schema.ts declares none`,
        `${p}: column books.title is nullable, db/schema.ts says not null`,
        `${p}: column user_books.status default is 'reading', db/schema.ts says 'want_to_read'`,
        `${p}: foreign key user_books(user_id) references users(id): on delete is no action, db/schema.ts says cascade`,
        ...DRIFT[target.capabilities.family].only(p),
      ];
      expect((await checkDatabase(t.client)).sort()).toEqual(expected.sort());
    });
  });
}
