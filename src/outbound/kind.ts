import type postgres from "postgres";
import type { ClaimedMessage, ScheduledDelivery } from "../db/queries/deliveries.js";
import type { MessageKind } from "../db/schema/deliveries.js";
import type { OutgoingEmail } from "../mail/transport.js";

/**
 * What a kind of message declares; the pipeline (src/outbound/send.ts) does everything else —
 * claim, idempotency key, the provider call, the outcome ladder, recording, reconciling — the
 * same way for every kind. Kinds are declared where their feature lives (the sequence's steps and
 * the double opt-in confirmation in src/campaign/, the fresh guide link in src/guide/) and put
 * together once, in src/deps.ts (`messageKinds`).
 */
export interface MessageKindDefinition<K extends MessageKind = MessageKind> {
  kind: K;
  /**
   * Renders the email for this row: a pure function of the row (rendered for its `dueAt`, never
   * the clock), so a retry sends the very payload the provider may already hold under the key.
   */
  compose(message: ClaimedMessage & { kind: K }): Promise<OutgoingEmail>;
  /** May rows of this kind share a provider batch request (invariant 5)? */
  batchable: boolean;
  /**
   * A claimed row that must not go out after all (e.g. a step removed from the sequence): the
   * reason. The row is then discarded unsent and `afterClose` runs with `sent: false`.
   */
  obsolete?(message: ClaimedMessage & { kind: K }): string | undefined;
  /**
   * In the transaction that records the outcome of these rows (sent, failed for good, or
   * discarded): what else changes with it — a step moves its enrollment on. Returns the messages
   * it created; they are enqueued after the commit.
   */
  afterClose?(
    tx: postgres.TransactionSql,
    closed: (ClaimedMessage & { kind: K })[],
    how: { counted: boolean },
  ): Promise<ScheduledDelivery[]>;
}

/** Every kind, each declared once: the registry the sender and the worker use. */
export type MessageKinds = { [K in MessageKind]: MessageKindDefinition<K> };
