import type postgres from "postgres";
import { convertSubscriber } from "../db/queries/check-in.js";

/** The goals a booking tool can report (DESIGN.md "The check-in, branches and goals"). */
export const GOALS = ["booked"] as const;
export type Goal = (typeof GOALS)[number];

/**
 * A reader reached a goal (an assessment booked, reported via Zapier, Make or n8n): no more of the
 * sequence is sent; they stay on the list and can still leave. Idempotent; false if not on the list.
 */
export async function convert(sql: postgres.Sql, email: string, goal: Goal): Promise<boolean> {
  return (await convertSubscriber(sql, email, goal)) !== undefined;
}
