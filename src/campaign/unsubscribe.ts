import type postgres from "postgres";
import { leave } from "./leave.js";
import { insertConsent, subscriberState } from "../db/queries/activation.js";
import { ONE_CLICK_WITHDRAWAL, PAGE_WITHDRAWAL } from "./wording.js";

export interface UnsubscribeRequest {
  subscriberId: string;
  /** one-click: the mail client's RFC 8058 POST; page: the button on our page. */
  via: "one-click" | "page";
  ip: string | undefined;
  userAgent: string | undefined;
}

/**
 * Stops every future send at once (leave(): one statement, invariant 4) and records the
 * withdrawal next to the consent it withdraws. Idempotent: a second POST (mail clients do retry)
 * changes nothing and records nothing. A bounce or complaint already recorded stays as it is.
 * Returns false when no such subscriber exists (purged): there is nothing left to stop.
 */
export async function unsubscribe(sql: postgres.Sql, request: UnsubscribeRequest): Promise<boolean> {
  const before = await subscriberState(sql, request.subscriberId);
  if (!before) return false;
  await leave(sql, request.subscriberId, "unsubscribed");
  if (before.status === "active" || before.status === "pending") {
    const wording = request.via === "one-click" ? ONE_CLICK_WITHDRAWAL : PAGE_WITHDRAWAL;
    await insertConsent(sql, {
      subscriberId: request.subscriberId,
      kind: wording.kind,
      ip: request.ip,
      userAgent: request.userAgent?.slice(0, 512),
      formVersion: wording.formVersion,
      wording: wording.wording,
    });
  }
  return true;
}

/** What the unsubscribe page shows: the button, the undo, or neither (nothing left to change). */
export type UnsubscribePageState = "subscribed" | "unsubscribed" | "suppressed" | "gone";

export async function unsubscribePageState(sql: postgres.Sql, subscriberId: string): Promise<UnsubscribePageState> {
  const state = await subscriberState(sql, subscriberId);
  if (!state || state.erased) return "gone";
  if (state.status === "active" || state.status === "pending") return "subscribed";
  if (state.status === "unsubscribed") return "unsubscribed";
  return "suppressed";
}
