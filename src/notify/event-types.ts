/**
 * The events a webhook endpoint can listen for (issue 16; DESIGN.md "Outgoing webhooks"), in words
 * the admin page and docs/webhooks.md show. Triggers record them in the transaction of the change
 * (drizzle/0007_webhook_event_batches.sql); `webhook.test` only the admin's test button.
 */
export const WEBHOOK_EVENT_TYPES = {
  "subscriber.created": "A new address signed up (under double opt-in it is pending until confirmed).",
  "subscriber.activated": "A reader is on the list: at signup (single opt-in) or at confirmation (double opt-in), or back after leaving.",
  "guide.downloaded": "A reader downloaded the guide PDF through their personal link, as a person (a mail filter's fetch is not one; repeats within 10 minutes count once).",
  "sequence.completed": "A reader received the last email of the sequence.",
  "subscriber.unsubscribed": "A reader left (the one-click link, the unsubscribe page, or an admin).",
  "subscriber.bounced": "The address hard-bounced; nothing more is sent to it.",
  "subscriber.complained": "The reader marked an email as spam; nothing more is sent to them.",
  "subscriber.erased": "An admin erased the person's data; the event carries only their id.",
  "checkin.answered": "A reader answered the check-in (data.answer: better, same or worse) on its page — a person, never a mail filter.",
  "subscriber.converted": "A reader reached a goal (data.goal: booked), reported by POST /admin/api/conversions; the sequence stops for them.",
  "webhook.test": "Sent by the admin's test button, to one endpoint.",
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;
export const WEBHOOK_EVENT_TYPE_NAMES = Object.keys(WEBHOOK_EVENT_TYPES) as WebhookEventType[];

/** The types an endpoint may ask for: `webhook.test` goes only where the admin sends it. */
export const SUBSCRIBABLE_EVENT_TYPES = WEBHOOK_EVENT_TYPE_NAMES.filter((t) => t !== "webhook.test");

export function isWebhookEventType(value: string): value is WebhookEventType {
  return Object.hasOwn(WEBHOOK_EVENT_TYPES, value);
}
