import type postgres from "postgres";
import { leave } from "./leave.js";
import { readSubscriber } from "../db/queries/activation.js";
import { ONE_CLICK_WITHDRAWAL, PAGE_WITHDRAWAL } from "./wording.js";

export interface UnsubscribeRequest {
  subscriberId: string;
  /** one-click: the mail client's RFC 8058 POST; page: the button on our page. */
  via: "one-click" | "page";
  ip: string | undefined;
  userAgent: string | undefined;
}

/**
 * Stops every future send at once (leave(): one statement, invariant 4) and records the withdrawal
 * next to the consent it withdraws. Idempotent: a second POST (mail clients retry, sometimes
 * several at once) records nothing, as the statement writes the withdrawal only when it changed
 * the status. A recorded bounce or complaint stays. False when no such subscriber (purged).
 */
export async function unsubscribe(sql: postgres.Sql, request: UnsubscribeRequest): Promise<boolean> {
  const wording = request.via === "one-click" ? ONE_CLICK_WITHDRAWAL : PAGE_WITHDRAWAL;
  const { subscriberId, ip } = request;
  return leave(sql, subscriberId, "unsubscribed", { ...wording, subscriberId, ip, userAgent: request.userAgent?.slice(0, 512) });
}

/** What the unsubscribe page shows: the button, the undo, or neither (nothing left to change). */
export type UnsubscribePageState = "subscribed" | "unsubscribed" | "suppressed" | "gone";

export async function unsubscribePageState(sql: postgres.Sql, subscriberId: string): Promise<UnsubscribePageState> {
  const state = await readSubscriber(sql, subscriberId);
  if (!state || state.erasedAt) return "gone";
  if (state.status === "active" || state.status === "pending") return "subscribed";
  if (state.status === "unsubscribed") return "unsubscribed";
  return "suppressed";
}
