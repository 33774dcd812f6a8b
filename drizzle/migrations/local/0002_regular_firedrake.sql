DROP INDEX "books_rating_idx";--> statement-breakpoint
CREATE INDEX "books_rating_idx" ON "books" USING btree ("rating","id");