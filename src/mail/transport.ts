/** One fully rendered email, ready for any transport. */
export interface OutgoingEmail {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  tags: { name: string; value: string }[];
  /** The Resend tag `step`: a step's name, or the kind's tag (src/outbound/keys.ts). */
  step: string;
  /** Derived from the message's row: a retry of the same row is a replay, not a new email. */
  idempotencyKey: string;
}

export type SendResult =
  | { ok: true; messageId: string }
  /** retryable: 5xx / network; rateLimited: 429 with the wait the provider asked for; permanent: other 4xx. */
  | { ok: false; kind: "retryable" | "permanent"; message: string }
  | { ok: false; kind: "rateLimited"; message: string; retryAfterMs: number };

export type SendFailure = Exclude<SendResult, { ok: true }>;

/** One provider request for many emails: all accepted (ids in order) or all refused. */
export type BatchSendResult = { ok: true; messageIds: string[] } | SendFailure;

export interface Transport {
  readonly name: string;
  send(email: OutgoingEmail): Promise<SendResult>;
  /**
   * Up to the provider's batch size in one request, under one idempotency key (the emails'
   * own keys are not used by a batch). Optional: a transport without it sends one by one.
   */
  sendBatch?(emails: OutgoingEmail[], idempotencyKey: string): Promise<BatchSendResult>;
}

/** `transport` with `around` wrapped about each provider call, a single send or a batch alike. */
export function aroundCalls(
  transport: Transport,
  around: <R extends SendResult | BatchSendResult>(call: () => Promise<R>) => Promise<R>,
): Transport {
  return {
    name: transport.name,
    send: (email) => around(() => transport.send(email)),
    ...(transport.sendBatch ? { sendBatch: (emails: OutgoingEmail[], key: string) => around(() => transport.sendBatch!(emails, key)) } : {}),
  };
}
