import { isbot } from "isbot";

/**
 * Which fetches of our links are a person's (DESIGN.md invariant 9; each rule and what it catches:
 * docs/compliance.md "Signals: what counts as a person"). The rules on the request alone are here
 * (pure); the burst and the burst's address are decided in the store (src/db/queries/link-visits.ts),
 * where concurrent fetches of one email are serialised.
 */
export type AutomatedReason = "head" | "no-agent" | "bot-agent" | "early" | "burst" | "burst-address";

/** DESIGN.md: different links of one email fetched this close together are a machine's. */
export const BURST_SECONDS = 2;
/**
 * Filters fetch as the message lands, seconds after the provider accepted it; a person cannot sign
 * up, open the email and tap a link in much less; DESIGN.md counts 20 s and later a person's, always.
 */
export const EARLY_SECONDS = 10;
/** A scanner's address keeps scanning other readers' emails; a shared office address stops counting only briefly. */
export const BURST_ADDRESS_MINUTES = 10;
/**
 * A fetch is final (settled) once no later fetch can make it part of a burst: the burst window
 * plus a second of margin for a fetch whose transaction is still running.
 */
export const SETTLE_SECONDS = BURST_SECONDS + 1;
/**
 * A subscriber's downloads within one window count once (issue 17: 2,000 GETs of one link counted
 * 2,000): a retry or double click folds, another day's reading counts. Applied as a person's fetch
 * of the guide settles (src/signals/signals.ts); a mail filter's fetches are no downloads at all.
 */
export const DOWNLOAD_WINDOW_SECONDS = 10 * 60;

export interface Fetch {
  method: string;
  userAgent: string | undefined;
}

/** The rules that need nothing but the request. */
export function requestRule(fetch: Fetch): AutomatedReason | undefined {
  if (fetch.method === "HEAD") return "head";
  const agent = fetch.userAgent?.trim() ?? "";
  if (agent === "") return "no-agent";
  if (isbot(agent)) return "bot-agent";
  return undefined;
}
