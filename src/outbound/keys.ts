import type { EmailKind } from "../db/schema/deliveries.js";

/** What names an email: a step by its step, others by row (a webhook call: `webhook-id`, src/notify/). */
export type MessageIdentity =
  | { kind: "step"; step: string; subscriberId: string }
  | { kind: Exclude<EmailKind, "step">; id: number; subscriberId: string };

/** Non-step kinds' `step` tags (a step's is its name); events carry them: never rename one. */
export const KIND_TAGS = { confirmation: "confirm", "fresh-link": "fresh-link" } as const satisfies Record<
  Exclude<EmailKind, "step">,
  string
>;

export function tagOf(m: MessageIdentity): string {
  return m.kind === "step" ? m.step : KIND_TAGS[m.kind];
}

/**
 * One idempotency-key scheme for all sent (DESIGN.md invariant 3), from the row alone so each retry
 * is a replay (docs/architecture.md "Keys"); subscribers' random UUIDs keep keys unique across installs.
 */
export function messageKey(m: MessageIdentity): string {
  return m.kind === "step" ? `fur-${m.step}-${m.subscriberId}` : `fur-${tagOf(m)}-${m.id}-${m.subscriberId}`;
}
