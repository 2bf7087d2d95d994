import type postgres from "postgres";
import type { AttemptLine, ClaimedMessage, ScheduledDelivery } from "../db/queries/deliveries.js";
import type { MessageKind } from "../db/schema/deliveries.js";
import type { OutgoingEmail } from "../mail/transport.js";

/**
 * What a kind of message declares, on one of two channels (an email it composes, or a call it
 * makes itself); the pipeline (src/outbound/send.ts) does everything else the same way for every
 * kind. Kinds are declared where their feature lives and put together in src/deps.ts
 * (`messageKinds`): docs/architecture.md "Adding a kind of message".
 */
interface KindBase<K extends MessageKind> {
  kind: K;
  /**
   * A claimed row that must not go out after all (e.g. a step removed from the sequence): the
   * reason. The row is then discarded unsent and `afterClose` runs with `counted: false`.
   */
  obsolete?(message: ClaimedMessage & { kind: K }): string | undefined;
  /**
   * In the transaction recording these rows' outcome (sent, failed for good, discarded): what else
   * changes (a step moves its enrollment on); returns messages it created, enqueued after the commit.
   */
  afterClose?(
    tx: postgres.TransactionSql,
    closed: (ClaimedMessage & { kind: K })[],
    how: { counted: boolean },
  ): Promise<ScheduledDelivery[]>;
}

export interface EmailKindDefinition<K extends MessageKind = MessageKind> extends KindBase<K> {
  channel: "email";
  /**
   * Renders the email for this row: a pure function of the row (rendered for its `dueAt`, never
   * the clock), so a retry sends the very payload the provider may already hold under the key.
   */
  compose(message: ClaimedMessage & { kind: K }): Promise<OutgoingEmail>;
  /** May rows of this kind share a provider batch request (invariant 5)? */
  batchable: boolean;
}

/**
 * How one call went: done (with the reference the receiver knows it by), again at `at` (the kind's
 * own retry schedule), or never. `line`: the attempt's log line, written with the outcome.
 */
export type CallResult = (
  | { kind: "delivered"; reference: string }
  /** `attempted` false: nothing was sent (the receiver's share was taken), so no attempt is counted. */
  | { kind: "retry"; at: Date; error: string; attempted: boolean }
  | { kind: "failed"; error: string }
) & { line?: AttemptLine };

export interface CallKindDefinition<K extends MessageKind = MessageKind> extends KindBase<K> {
  channel: "call";
  /** Calls to one receiver a run makes at once (src/outbound/send.ts `followLine`): as many as may be in flight. */
  runWidth: number;
  /** Makes the call for a claimed row (its `attempts` counts this one) and says how it went. */
  call(message: ClaimedMessage & { kind: K }): Promise<CallResult>;
}

export type MessageKindDefinition<K extends MessageKind = MessageKind> = EmailKindDefinition<K> | CallKindDefinition<K>;

/** Every kind, each declared once: the registry the sender and the worker use. */
export type MessageKinds = { [K in MessageKind]: MessageKindDefinition<K> };
