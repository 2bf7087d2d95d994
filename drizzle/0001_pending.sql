CREATE TABLE "confirmation_emails" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "confirmation_emails_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"subscriber_id" uuid NOT NULL,
	"state" "delivery_state" DEFAULT 'scheduled' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"provider_message_id" text,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "email_suppressions" (
	"email_hash" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" varchar(255) PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"expire" bigint
);
--> statement-breakpoint
CREATE TABLE "sequence_definitions" (
	"sequence" text PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"definition" jsonb NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "guide_downloads" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "guide_downloads_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"subscriber_id" uuid,
	"downloaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "guide_link_emails" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "guide_link_emails_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"subscriber_id" uuid NOT NULL,
	"state" "delivery_state" DEFAULT 'scheduled' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"provider_message_id" text,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stats_rollup" (
	"day" date,
	"source" text,
	"utm_source" text,
	"utm_medium" text,
	"utm_campaign" text,
	"step" text NOT NULL,
	"subscribers" bigint DEFAULT 0 NOT NULL,
	"pending" bigint DEFAULT 0 NOT NULL,
	"active" bigint DEFAULT 0 NOT NULL,
	"completed" bigint DEFAULT 0 NOT NULL,
	"unsubscribed" bigint DEFAULT 0 NOT NULL,
	"bounced" bigint DEFAULT 0 NOT NULL,
	"complained" bigint DEFAULT 0 NOT NULL,
	"confirmed" bigint DEFAULT 0 NOT NULL,
	"downloads" bigint DEFAULT 0 NOT NULL,
	"downloaders" bigint DEFAULT 0 NOT NULL,
	"sent" bigint DEFAULT 0 NOT NULL,
	"delivered" bigint DEFAULT 0 NOT NULL,
	"opened" bigint DEFAULT 0 NOT NULL,
	"clicked" bigint DEFAULT 0 NOT NULL,
	"step_bounced" bigint DEFAULT 0 NOT NULL,
	"step_complained" bigint DEFAULT 0 NOT NULL,
	"failed" bigint DEFAULT 0 NOT NULL,
	"left_after" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "stats_rollup_key" UNIQUE NULLS NOT DISTINCT("day","source","utm_source","utm_medium","utm_campaign","step")
);
--> statement-breakpoint
CREATE TABLE "stats_subscriber_state" (
	"subscriber_id" uuid PRIMARY KEY NOT NULL,
	"day" date,
	"source" text,
	"utm_source" text,
	"utm_medium" text,
	"utm_campaign" text,
	"status" text NOT NULL,
	"confirmed" boolean NOT NULL,
	"completed" boolean NOT NULL,
	"downloads" integer NOT NULL,
	"last_step" text,
	"steps" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stats_dirty" (
	"subscriber_id" uuid NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "admin_audit" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "admin_audit_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"client_address" text,
	"action" text NOT NULL,
	"subscriber_id" uuid,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metric_snapshots" (
	"process" text PRIMARY KEY NOT NULL,
	"metrics" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "confirmation_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "email_events" ADD COLUMN "subscriber_id" uuid;--> statement-breakpoint
ALTER TABLE "email_events" ADD COLUMN "confirmation_id" bigint;--> statement-breakpoint
ALTER TABLE "email_events" ADD COLUMN "url" text;--> statement-breakpoint
ALTER TABLE "email_events" ADD COLUMN "bounce_type" text;--> statement-breakpoint
ALTER TABLE "confirmation_emails" ADD CONSTRAINT "confirmation_emails_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guide_downloads" ADD CONSTRAINT "guide_downloads_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guide_link_emails" ADD CONSTRAINT "guide_link_emails_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_audit" ADD CONSTRAINT "admin_audit_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "confirmation_emails_subscriber_idx" ON "confirmation_emails" USING btree ("subscriber_id");--> statement-breakpoint
CREATE INDEX "confirmation_emails_provider_message_idx" ON "confirmation_emails" USING btree ("provider_message_id");--> statement-breakpoint
CREATE INDEX "confirmation_emails_pending_idx" ON "confirmation_emails" USING btree ("created_at") WHERE state in ('scheduled', 'sending');--> statement-breakpoint
CREATE INDEX "guide_downloads_downloaded_at_idx" ON "guide_downloads" USING btree ("downloaded_at");--> statement-breakpoint
CREATE INDEX "guide_downloads_subscriber_idx" ON "guide_downloads" USING btree ("subscriber_id");--> statement-breakpoint
CREATE INDEX "guide_link_emails_subscriber_created_idx" ON "guide_link_emails" USING btree ("subscriber_id","created_at");--> statement-breakpoint
CREATE INDEX "admin_audit_subscriber_idx" ON "admin_audit" USING btree ("subscriber_id");--> statement-breakpoint
CREATE INDEX "admin_audit_at_idx" ON "admin_audit" USING btree ("at");--> statement-breakpoint
ALTER TABLE "email_events" ADD CONSTRAINT "email_events_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_events" ADD CONSTRAINT "email_events_confirmation_id_confirmation_emails_id_fk" FOREIGN KEY ("confirmation_id") REFERENCES "public"."confirmation_emails"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_events_confirmation_idx" ON "email_events" USING btree ("confirmation_id");--> statement-breakpoint
CREATE INDEX "email_events_subscriber_idx" ON "email_events" USING btree ("subscriber_id");--> statement-breakpoint
CREATE INDEX "email_events_unprocessed_idx" ON "email_events" USING btree ("received_at") WHERE processed_at is null;