ALTER TABLE "deliveries" ADD COLUMN "batch_key" text;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "no_batch" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "deliveries_batch_key_idx" ON "deliveries" USING btree ("batch_key") WHERE batch_key is not null;