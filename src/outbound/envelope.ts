import type { OutgoingEmail } from "../mail/transport.js";
import { messageKey, tagOf, type MessageIdentity } from "./keys.js";

/** Who sends, and where replies go. */
export interface Sender {
  from: string;
  replyTo: string | undefined;
}

/**
 * A rendered email with what every email carries, whatever its kind: sender, reply-to, the
 * List-Unsubscribe headers (RFC 2369 + RFC 8058: mail clients show an unsubscribe button that
 * POSTs to this URL), the `step` tag the provider's events come back with, and the idempotency key.
 * The one place that builds an OutgoingEmail; each kind's composer renders the content and calls it.
 */
export function envelope(
  s: Sender,
  message: MessageIdentity,
  to: string,
  rendered: { subject: string; html: string; text: string },
  unsubscribeUrl: string,
): OutgoingEmail {
  return {
    from: s.from,
    to,
    ...(s.replyTo ? { replyTo: s.replyTo } : {}),
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    headers: {
      "List-Unsubscribe": `<${unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    tags: [{ name: "step", value: tagOf(message) }],
    step: tagOf(message),
    idempotencyKey: messageKey(message),
  };
}
