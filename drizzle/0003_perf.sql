DROP INDEX "enrollments_state_next_send_idx";--> statement-breakpoint
DROP INDEX "deliveries_step_state_idx";