import type postgres from "postgres";
import { asDate } from "./values.js";

/**
 * What the two kinds of one-off email outside the sequence — the double opt-in confirmation and
 * the fresh guide link — share: each row is claimed like a delivery (DESIGN.md invariants 3 and
 * 4) by its own statement, whose rules differ; reading the claimed row and, when no row was
 * claimed, telling why, are the same.
 */
export interface ClaimedSingleEmail {
  id: number;
  subscriberId: string;
  /** "sending": ours to send; "cancelled": the subscriber no longer qualifies. */
  state: "sending" | "cancelled";
  /** The request time: the email is rendered for it, so a retry sends the very same payload. */
  createdAt: Date;
  email: string;
  firstName: string | null;
}

export type SingleEmailClaim =
  | { claimed: ClaimedSingleEmail }
  | { claimed: undefined; state: "sent" | "failed" | "cancelled" | "gone" }
  | { claimed: undefined; state: "busy"; until: Date };

/** A row returned by a claim statement (`returning id, subscriber_id, state, created_at, email, first_name`). */
export function toClaimedSingleEmail(row: Record<string, unknown>): ClaimedSingleEmail {
  return {
    id: Number(row.id),
    subscriberId: String(row.subscriber_id),
    state: row.state as ClaimedSingleEmail["state"],
    createdAt: asDate(row.created_at),
    email: String(row.email),
    firstName: (row.first_name as string | null) ?? null,
  };
}

/** Why a claim statement claimed nothing: the row is gone, finished, or held by a live claim. */
export async function unclaimedState(
  sql: postgres.Sql,
  table: "confirmation_emails" | "guide_link_emails",
  id: number,
  leaseSeconds: number,
): Promise<SingleEmailClaim> {
  const [current] = await sql<{ state: string; claimed_at: unknown }[]>`
    select state, claimed_at from ${sql(table)} where id = ${id}`;
  if (!current) return { claimed: undefined, state: "gone" };
  if (current.state === "sending") {
    const claimedAt = current.claimed_at ? asDate(current.claimed_at).getTime() : 0;
    return { claimed: undefined, state: "busy", until: new Date(claimedAt + leaseSeconds * 1000) };
  }
  return { claimed: undefined, state: current.state as "sent" | "failed" | "cancelled" };
}
