ALTER TABLE "authors" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "books" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "user_books" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "authors_read" ON "authors" AS PERMISSIVE FOR SELECT TO "anon", "authenticated" USING (true);--> statement-breakpoint
CREATE POLICY "authors_service_all" ON "authors" AS PERMISSIVE FOR ALL TO "service_role" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "books_read" ON "books" AS PERMISSIVE FOR SELECT TO "anon", "authenticated" USING (true);--> statement-breakpoint
CREATE POLICY "books_service_all" ON "books" AS PERMISSIVE FOR ALL TO "service_role" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "user_books_delete_own" ON "user_books" AS PERMISSIVE FOR DELETE TO "authenticated" USING ("user_books"."user_id" = (select auth.uid()));--> statement-breakpoint
CREATE POLICY "user_books_insert_own" ON "user_books" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ("user_books"."user_id" = (select auth.uid()));--> statement-breakpoint
CREATE POLICY "user_books_select_own" ON "user_books" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("user_books"."user_id" = (select auth.uid()));--> statement-breakpoint
CREATE POLICY "user_books_service_all" ON "user_books" AS PERMISSIVE FOR ALL TO "service_role" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "user_books_update_own" ON "user_books" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ("user_books"."user_id" = (select auth.uid())) WITH CHECK ("user_books"."user_id" = (select auth.uid()));--> statement-breakpoint
CREATE POLICY "users_select_own" ON "users" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("users"."id" = (select auth.uid()));--> statement-breakpoint
CREATE POLICY "users_service_all" ON "users" AS PERMISSIVE FOR ALL TO "service_role" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "users_update_own" ON "users" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ("users"."id" = (select auth.uid())) WITH CHECK ("users"."id" = (select auth.uid()));