ALTER TABLE "books" DROP CONSTRAINT "books_isbn_unique";--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_email_unique";--> statement-breakpoint
CREATE UNIQUE INDEX "books_isbn_live_unique" ON "books" USING btree ("isbn") WHERE "books"."deleted_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_live_unique" ON "users" USING btree ("email") WHERE "users"."deleted_at" is null;