PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_authors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`bio` text,
	`nationality` text,
	`birth_year` integer,
	`metadata` text,
	`created_at` integer DEFAULT (cast(round((julianday('now') - 2440587.5) * 86400000) as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(round((julianday('now') - 2440587.5) * 86400000) as integer)) NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
INSERT INTO `__new_authors`("id", "name", "bio", "nationality", "birth_year", "metadata", "created_at", "updated_at", "deleted_at") SELECT "id", "name", "bio", "nationality", "birth_year", "metadata", "created_at", "updated_at", "deleted_at" FROM `authors`;--> statement-breakpoint
DROP TABLE `authors`;--> statement-breakpoint
ALTER TABLE `__new_authors` RENAME TO `authors`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE TABLE `__new_books` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`author_id` integer NOT NULL,
	`genre` text,
	`isbn` text,
	`published_year` integer,
	`pages` integer,
	`price` numeric,
	`rating` real,
	`in_stock` integer DEFAULT true NOT NULL,
	`metadata` text,
	`created_at` integer DEFAULT (cast(round((julianday('now') - 2440587.5) * 86400000) as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(round((julianday('now') - 2440587.5) * 86400000) as integer)) NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`author_id`) REFERENCES `authors`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "books_rating_range" CHECK("__new_books"."rating" >= 0 and "__new_books"."rating" <= 5)
);
--> statement-breakpoint
INSERT INTO `__new_books`("id", "title", "author_id", "genre", "isbn", "published_year", "pages", "price", "rating", "in_stock", "metadata", "created_at", "updated_at", "deleted_at") SELECT "id", "title", "author_id", "genre", "isbn", "published_year", "pages", "price", "rating", "in_stock", "metadata", "created_at", "updated_at", "deleted_at" FROM `books`;--> statement-breakpoint
DROP TABLE `books`;--> statement-breakpoint
ALTER TABLE `__new_books` RENAME TO `books`;--> statement-breakpoint
CREATE UNIQUE INDEX `books_isbn_live_unique` ON `books` (`isbn`) WHERE "books"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX `books_author_id_idx` ON `books` (`author_id`);--> statement-breakpoint
CREATE INDEX `books_genre_idx` ON `books` (`genre`);--> statement-breakpoint
CREATE INDEX `books_rating_idx` ON `books` (`rating`);--> statement-breakpoint
CREATE TABLE `__new_user_books` (
	`user_id` text NOT NULL,
	`book_id` integer NOT NULL,
	`status` text DEFAULT 'want_to_read' NOT NULL,
	`rating` integer,
	`review` text,
	`started_at` integer,
	`finished_at` integer,
	`created_at` integer DEFAULT (cast(round((julianday('now') - 2440587.5) * 86400000) as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(round((julianday('now') - 2440587.5) * 86400000) as integer)) NOT NULL,
	PRIMARY KEY(`user_id`, `book_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`book_id`) REFERENCES `books`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "user_books_status_valid" CHECK("__new_user_books"."status" in ('want_to_read', 'reading', 'read')),
	CONSTRAINT "user_books_rating_range" CHECK("__new_user_books"."rating" >= 1 and "__new_user_books"."rating" <= 5)
);
--> statement-breakpoint
INSERT INTO `__new_user_books`("user_id", "book_id", "status", "rating", "review", "started_at", "finished_at", "created_at", "updated_at") SELECT "user_id", "book_id", "status", "rating", "review", "started_at", "finished_at", "created_at", "updated_at" FROM `user_books`;--> statement-breakpoint
DROP TABLE `user_books`;--> statement-breakpoint
ALTER TABLE `__new_user_books` RENAME TO `user_books`;--> statement-breakpoint
CREATE INDEX `user_books_book_id_idx` ON `user_books` (`book_id`);--> statement-breakpoint
CREATE TABLE `__new_users` (
	`id` text PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))) NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`metadata` text,
	`created_at` integer DEFAULT (cast(round((julianday('now') - 2440587.5) * 86400000) as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(round((julianday('now') - 2440587.5) * 86400000) as integer)) NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
INSERT INTO `__new_users`("id", "email", "name", "metadata", "created_at", "updated_at", "deleted_at") SELECT "id", "email", "name", "metadata", "created_at", "updated_at", "deleted_at" FROM `users`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `__new_users` RENAME TO `users`;--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_live_unique` ON `users` (`email`) WHERE "users"."deleted_at" is null;