-- change feed f0ad0e46ee849240: authors, books, user_books
CREATE TABLE IF NOT EXISTS _change_feed (seq INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL, op TEXT NOT NULL, keys TEXT NOT NULL, at REAL NOT NULL)
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS _change_feed_table_seq ON _change_feed (table_name, seq)
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS _change_feed_pruned (table_name TEXT PRIMARY KEY, pruned_through INTEGER NOT NULL)
--> statement-breakpoint
DROP TRIGGER IF EXISTS "_change_feed_authors_insert"
--> statement-breakpoint
DROP TRIGGER IF EXISTS "_change_feed_authors_update"
--> statement-breakpoint
DROP TRIGGER IF EXISTS "_change_feed_authors_delete"
--> statement-breakpoint
CREATE TRIGGER "_change_feed_authors_insert" AFTER INSERT ON "authors" FOR EACH ROW BEGIN INSERT INTO _change_feed (table_name, op, keys, at) SELECT 'authors', 'insert', json_array(json_array(NEW."id")), ((julianday('now') - 2440587.5) * 86400000.0); END
--> statement-breakpoint
CREATE TRIGGER "_change_feed_authors_update" AFTER UPDATE ON "authors" FOR EACH ROW BEGIN INSERT INTO _change_feed (table_name, op, keys, at) SELECT 'authors', 'delete', json_array(json_array(OLD."id")), ((julianday('now') - 2440587.5) * 86400000.0) WHERE OLD."id" IS NOT NEW."id"; INSERT INTO _change_feed (table_name, op, keys, at) SELECT 'authors', 'update', json_array(json_array(NEW."id")), ((julianday('now') - 2440587.5) * 86400000.0); END
--> statement-breakpoint
CREATE TRIGGER "_change_feed_authors_delete" AFTER DELETE ON "authors" FOR EACH ROW BEGIN INSERT INTO _change_feed (table_name, op, keys, at) SELECT 'authors', 'delete', json_array(json_array(OLD."id")), ((julianday('now') - 2440587.5) * 86400000.0); END
--> statement-breakpoint
DROP TRIGGER IF EXISTS "_change_feed_books_insert"
--> statement-breakpoint
DROP TRIGGER IF EXISTS "_change_feed_books_update"
--> statement-breakpoint
DROP TRIGGER IF EXISTS "_change_feed_books_delete"
--> statement-breakpoint
CREATE TRIGGER "_change_feed_books_insert" AFTER INSERT ON "books" FOR EACH ROW BEGIN INSERT INTO _change_feed (table_name, op, keys, at) SELECT 'books', 'insert', json_array(json_array(NEW."id")), ((julianday('now') - 2440587.5) * 86400000.0); END
--> statement-breakpoint
CREATE TRIGGER "_change_feed_books_update" AFTER UPDATE ON "books" FOR EACH ROW BEGIN INSERT INTO _change_feed (table_name, op, keys, at) SELECT 'books', 'delete', json_array(json_array(OLD."id")), ((julianday('now') - 2440587.5) * 86400000.0) WHERE OLD."id" IS NOT NEW."id"; INSERT INTO _change_feed (table_name, op, keys, at) SELECT 'books', 'update', json_array(json_array(NEW."id")), ((julianday('now') - 2440587.5) * 86400000.0); END
--> statement-breakpoint
CREATE TRIGGER "_change_feed_books_delete" AFTER DELETE ON "books" FOR EACH ROW BEGIN INSERT INTO _change_feed (table_name, op, keys, at) SELECT 'books', 'delete', json_array(json_array(OLD."id")), ((julianday('now') - 2440587.5) * 86400000.0); END
--> statement-breakpoint
DROP TRIGGER IF EXISTS "_change_feed_user_books_insert"
--> statement-breakpoint
DROP TRIGGER IF EXISTS "_change_feed_user_books_update"
--> statement-breakpoint
DROP TRIGGER IF EXISTS "_change_feed_user_books_delete"
--> statement-breakpoint
CREATE TRIGGER "_change_feed_user_books_insert" AFTER INSERT ON "user_books" FOR EACH ROW BEGIN INSERT INTO _change_feed (table_name, op, keys, at) SELECT 'user_books', 'insert', json_array(json_array(NEW."user_id", NEW."book_id")), ((julianday('now') - 2440587.5) * 86400000.0); END
--> statement-breakpoint
CREATE TRIGGER "_change_feed_user_books_update" AFTER UPDATE ON "user_books" FOR EACH ROW BEGIN INSERT INTO _change_feed (table_name, op, keys, at) SELECT 'user_books', 'delete', json_array(json_array(OLD."user_id", OLD."book_id")), ((julianday('now') - 2440587.5) * 86400000.0) WHERE OLD."user_id" IS NOT NEW."user_id" OR OLD."book_id" IS NOT NEW."book_id"; INSERT INTO _change_feed (table_name, op, keys, at) SELECT 'user_books', 'update', json_array(json_array(NEW."user_id", NEW."book_id")), ((julianday('now') - 2440587.5) * 86400000.0); END
--> statement-breakpoint
CREATE TRIGGER "_change_feed_user_books_delete" AFTER DELETE ON "user_books" FOR EACH ROW BEGIN INSERT INTO _change_feed (table_name, op, keys, at) SELECT 'user_books', 'delete', json_array(json_array(OLD."user_id", OLD."book_id")), ((julianday('now') - 2440587.5) * 86400000.0); END
--> statement-breakpoint
DROP TRIGGER IF EXISTS "_change_feed_users_insert"
--> statement-breakpoint
DROP TRIGGER IF EXISTS "_change_feed_users_update"
--> statement-breakpoint
DROP TRIGGER IF EXISTS "_change_feed_users_delete"
