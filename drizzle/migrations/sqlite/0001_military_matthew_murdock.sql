DROP INDEX `books_isbn_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `books_isbn_live_unique` ON `books` (`isbn`) WHERE "books"."deleted_at" is null;--> statement-breakpoint
DROP INDEX `users_email_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_live_unique` ON `users` (`email`) WHERE "users"."deleted_at" is null;