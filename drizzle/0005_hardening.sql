CREATE TABLE "admin_session_revocations" (
	"session_id" text PRIMARY KEY NOT NULL,
	"revoked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "last_signup_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "guide_downloads" ADD COLUMN "counted_window" bigint;--> statement-breakpoint
CREATE INDEX "admin_session_revocations_expires_idx" ON "admin_session_revocations" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "guide_downloads_subscriber_window_key" ON "guide_downloads" USING btree ("subscriber_id","counted_window");