import type postgres from "postgres";
import { convertSubscriber } from "../db/queries/check-in.js";

/** The goals a booking tool can report (DESIGN.md "The check-in, branches and goals"). */
export const GOALS = ["booked"] as const;
export type Goal = (typeof GOALS)[number];

/**
 * A reader reached a goal (booked an assessment, reported by the clinic's booking tool through
 * Zapier, Make or n8n): nothing more of the sequence is sent to them; they stay on the list, and
 * can still leave. Idempotent. False when the address is not on the list.
 */
export async function convert(sql: postgres.Sql, email: string, goal: Goal): Promise<boolean> {
  return (await convertSubscriber(sql, email, goal)) !== undefined;
}
