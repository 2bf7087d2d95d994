import type postgres from "postgres";
import type { MessageKind } from "../schema/deliveries.js";

/**
 * The one record of "a message to send" (DESIGN.md invariants 2–4): every kind goes through the
 * same claim, lease, finish, release and reconciler reads; only who may receive it differs (below).
 */

interface ClaimedBase {
  id: number;
  /** This claim's owner token: what finishes, releases or defers it must bring it back. */
  lease: string;
  /** "sending": ours to send. "cancelled": the recipient no longer qualifies for this kind. */
  state: "sending" | "cancelled";
  attempts: number;
  /**
   * When it was due. An email is rendered for it when the row is written, so every retry is
   * identical; a webhook call's retries move it on (the body is stored with its event).
   */
  dueAt: Date;
  /** The batch this message was claimed into, if any (src/db/queries/batches.ts). */
  batchKey: string | null;
  noBatch: boolean;
}

/** The subscriber an email goes to. */
interface Recipient {
  subscriberId: string;
  email: string;
  firstName: string | null;
  timezone: string | null;
}

/** Not for a subscriber's inbox: the claim's join finds none. */
type NoRecipient = Record<keyof Recipient, null>;

/** A claimed row joined with its recipient; the ids it carries depend on its kind. */
export type ClaimedMessage = ClaimedBase &
  (
    | ({ kind: "step"; enrollmentId: number; step: string; endpointId: null; webhookEventId: null } & Recipient)
    | ({ kind: "confirmation" | "fresh-link"; enrollmentId: null; step: null; endpointId: null; webhookEventId: null } & Recipient)
    | ({ kind: "webhook"; enrollmentId: null; step: null; endpointId: string; webhookEventId: number } & NoRecipient)
  );

export type ClaimResult =
  | { claimed: ClaimedMessage }
  | { claimed: undefined; state: "sent" | "failed" | "cancelled" | "gone" }
  /** inBatch: held as a member of another message's batch or run, which that message's job drives. */
  | { claimed: undefined; state: "busy"; until: Date; inBatch: boolean }
  | { claimed: undefined; state: "notDue"; dueAt: Date };

/**
 * Who may still receive each kind, read in the same statement as the claim (invariant 4: leaving
 * between enqueue and send stops the email); `s` is the subscriber, `d` the message. A request
 * made after leaving is a new opt-in, so it is confirmed (never to an erased address); a bounce or
 * complaint cancels a fresh link; a disabled endpoint is sent nothing (replay recovers).
 */
const RECIPIENT_RULES: Record<MessageKind, string> = {
  step: `s.status = 'active' and (select e.state from enrollments e where e.id = d.enrollment_id) = 'active'`,
  confirmation: `s.erased_at is null
                 and (s.status = 'pending'
                      or (s.status = 'unsubscribed'
                          and s.confirmation_requested_at > coalesce(s.left_at, '-infinity'::timestamptz)))`,
  "fresh-link": `s.status in ('active', 'unsubscribed')`,
  webhook: `(select w.status from webhook_endpoints w where w.id = d.endpoint_id) = 'enabled'`,
};

/** `case d.kind when … then <rule> end`: true when the message's recipient still qualifies. */
export const RECIPIENT_QUALIFIES = `(case d.kind ${Object.entries(RECIPIENT_RULES)
  .map(([kind, rule]) => `when '${kind}' then (${rule})`)
  .join(" ")} else false end)`;

/**
 * Built from constant text, these run prepared like tagged templates (sql.unsafe does not prepare
 * by default): the send loop's statements, planned once per connection, not once per email.
 */
export const PREPARED = { prepare: true } as const;

/** The columns of a ClaimedMessage, from `deliveries d` joined with `subscribers s`. */
export const CLAIMED_COLUMNS = `d.id, d.lease, d.kind, d.enrollment_id as "enrollmentId", d.subscriber_id as "subscriberId", d.step,
  d.state, d.attempts, d.due_at as "dueAt", d.batch_key as "batchKey", d.no_batch as "noBatch",
  d.endpoint_id as "endpointId", d.webhook_event_id as "webhookEventId",
  s.email, s.first_name as "firstName", s.timezone`;

/**
 * The claim (DESIGN.md invariants 3 and 4) of the rows `which` names ($1). One older than
 * `leaseSeconds` ($2) is a dead worker's, taken over: its provider call replays under the same key.
 */
const claimStatement = (which: string) => `
  update deliveries d
     set state = case when ${RECIPIENT_QUALIFIES} then 'sending'::delivery_state else 'cancelled'::delivery_state end,
         attempts = d.attempts + 1,
         claimed_at = now(),
         lease = gen_random_uuid(),
         updated_at = now()
    -- A self-join, so that a row without a subscriber (a webhook call) is claimed too.
    from deliveries x left join subscribers s on s.id = x.subscriber_id
   where ${which}
     and x.id = d.id
     and d.due_at <= now() + interval '1 second'
     and (d.state = 'scheduled'
          -- claimed_at null: a batch given back after a failed attempt, to be sent again as is.
          or (d.state = 'sending' and (d.claimed_at is null or d.claimed_at < now() - make_interval(secs => $2))))
  returning ${CLAIMED_COLUMNS}`;
/** One row by its id: every job's claim, so the planner sees `id = $1` and takes the primary key. */
const CLAIM_ONE = claimStatement("d.id = $1");

/** Claims a message for sending; if it cannot be claimed, says why (busy, not due, done, gone). */
export async function claimDelivery(sql: postgres.Sql, id: number, leaseSeconds: number): Promise<ClaimResult> {
  const [claimed] = await sql.unsafe<ClaimedMessage[]>(CLAIM_ONE, [id, leaseSeconds], PREPARED);
  if (claimed) return { claimed };
  const [current] = await sql<{ state: string; dueAt: Date; claimedAt: Date | null; batchKey: string | null; endpointId: string | null }[]>`
    select state, due_at as "dueAt", claimed_at as "claimedAt", batch_key as "batchKey", endpoint_id as "endpointId"
      from deliveries where id = ${id}`;
  if (!current) return { claimed: undefined, state: "gone" };
  if (current.state === "sending") {
    return {
      claimed: undefined,
      state: "busy",
      until: new Date((current.claimedAt?.getTime() ?? 0) + leaseSeconds * 1000),
      // A call is held by its own job's retry or by another call's run (claimNextCalls).
      inBatch: current.batchKey !== null || current.endpointId !== null,
    };
  }
  if (current.state === "scheduled") return { claimed: undefined, state: "notDue", dueAt: current.dueAt };
  return { claimed: undefined, state: current.state as "sent" | "failed" | "cancelled" };
}

/**
 * A run along one receiver's line (src/outbound/send.ts `followLine`): the next `$3` due calls to
 * call $1's endpoint, oldest first, skipping those another run holds (deliveries_endpoint_pending_idx).
 */
const CLAIM_NEXT_CALLS = claimStatement(`d.id in (
    select n.id from deliveries n
     where n.endpoint_id = (select endpoint_id from deliveries where id = $1)
       and n.state = 'scheduled' and n.due_at <= now()
     order by n.due_at, n.id
     limit $3
       for update skip locked)`);

/** The next (at most `limit`) due calls to the endpoint `after` went to, claimed, oldest first. */
export async function claimNextCalls(sql: postgres.Sql, after: number, limit: number, leaseSeconds: number): Promise<ClaimedMessage[]> {
  const claimed = await sql.unsafe<ClaimedMessage[]>(CLAIM_NEXT_CALLS, [after, leaseSeconds, limit], PREPARED);
  return claimed.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
}

/**
 * The oldest `perEndpoint` due calls to each endpoint the calls `of` go to (every enabled
 * endpoint when `of` is "every endpoint"): the ones to give a job, whose runs then make the rest.
 */
export async function callHeads(sql: postgres.Sql, of: number[] | "every endpoint", perEndpoint: number): Promise<ScheduledDelivery[]> {
  const ids = of === "every endpoint" ? null : of;
  if (ids?.length === 0) return [];
  return sql<ScheduledDelivery[]>`
    select h.id, h.due_at as "dueAt", h.kind
      from webhook_endpoints w
     cross join lateral (
       select n.id, n.due_at, n.kind from deliveries n
        where n.endpoint_id = w.id and n.state = 'scheduled' and n.due_at <= now()
        order by n.due_at, n.id
        limit ${perEndpoint}) h
     where ${ids}::bigint[] is null and w.status = 'enabled'
        or w.id in (select endpoint_id from deliveries where id = any(${ids}::bigint[]))`;
}

/**
 * One attempt of a call for its log (webhook_attempts), written only if the statement recording
 * the outcome changed the row: a retried commit whose first try went through unseen logs it once.
 */
export interface AttemptLine {
  attempt: number;
  outcome: "succeeded" | "failed" | "unreachable" | "blocked";
  status: number | null;
  durationMs: number;
  response: string | null;
}

/** `with changed as (<statement returning id>), logged as (…)`: logs the lines of changed rows. */
function withAttemptLines(db: postgres.Sql | postgres.TransactionSql, lines: (AttemptLine & { id: number })[]) {
  const column = <K extends keyof AttemptLine>(key: K) => lines.map((l) => l[key]);
  return db`
    logged as (
      insert into webhook_attempts (delivery_id, attempt, outcome, status, duration_ms, response)
      select l.id, l.attempt, l.outcome, l.status, l.duration_ms, l.response
        from unnest(${lines.map((l) => l.id)}::bigint[], ${column("attempt")}::int[], ${column("outcome")}::text[],
                    ${column("status")}::int[], ${column("durationMs")}::int[], ${column("response")}::text[])
             as l(id, attempt, outcome, status, duration_ms, response)
        join changed c on c.id = l.id)`;
}

/** A claim as its holder names it: the row and the claim's lease. */
export interface Claim {
  id: number;
  lease: string;
}

/**
 * Gives a claim back: at once (the queue's backoff decides when) or at `at` (a kind's own retry
 * schedule, a busy receiver). `attempted` false: nothing was sent, so it does not count; `line`:
 * the call's log line. False when the lease ran out and another worker took the row (no change).
 */
export async function releaseDelivery(
  sql: postgres.Sql,
  claim: Claim,
  error: string | null,
  options: { at?: Date; attempted?: boolean; line?: AttemptLine } = {},
): Promise<boolean> {
  const released = sql`
    update deliveries
       set state = 'scheduled', claimed_at = null, lease = null, due_at = coalesce(${options.at ?? null}::timestamptz, due_at),
           updated_at = now(), last_error = coalesce(${error}, last_error),
           attempts = attempts - ${options.attempted === false ? 1 : 0}
     where id = ${claim.id} and state = 'sending' and lease = ${claim.lease}
    returning id`;
  const rows = options.line
    ? await sql`with changed as (${released}), ${withAttemptLines(sql, [{ id: claim.id, ...options.line }])} select id from changed`
    : await released;
  return rows.length === 1;
}

/** What became of a claimed message: sent (the provider's id) or failed for good; a call's log line. */
export type DeliveryResult = Claim & ({ messageId: string } | { error: string }) & { line?: AttemptLine };

/**
 * Records claimed messages' outcomes in one statement. Returns the ids still ours ("sending"): not
 * e.g. a retry of this very transaction whose first commit succeeded but whose answer was lost.
 */
export async function finishDeliveries(tx: postgres.Sql | postgres.TransactionSql, results: DeliveryResult[]): Promise<Set<number>> {
  if (results.length === 0) return new Set();
  const ids = results.map((r) => r.id);
  const leases = results.map((r) => r.lease);
  const messageIds = results.map((r) => ("messageId" in r ? r.messageId : null));
  const errors = results.map((r) => ("error" in r ? r.error : null));
  const finished = tx`
    update deliveries d
       set state = case when r.message_id is null then 'failed'::delivery_state else 'sent'::delivery_state end,
           sent_at = case when r.message_id is null then d.sent_at else now() end,
           provider_message_id = coalesce(r.message_id, d.provider_message_id),
           last_error = r.error,
           updated_at = now()
      from unnest(${ids}::bigint[], ${leases}::uuid[], ${messageIds}::text[], ${errors}::text[]) as r(id, lease, message_id, error)
     where d.id = r.id and d.state = 'sending' and d.lease = r.lease
    returning d.id`;
  // Calls log their attempts in the same round trip.
  const lines = results.flatMap((r) => (r.line ? [{ id: r.id, ...r.line }] : []));
  const rows =
    lines.length > 0 ? await tx<{ id: number }[]>`with changed as (${finished}), ${withAttemptLines(tx, lines)} select id from changed` : await finished;
  return new Set(rows.map((r) => r.id));
}

/**
 * Removes a message this worker claimed but will not send (a step that left the sequence).
 * Nothing went to the provider under its key, so the row can go; its job finds it gone.
 */
export async function discardClaimedDelivery(tx: postgres.Sql | postgres.TransactionSql, claim: Claim): Promise<boolean> {
  const rows = await tx`delete from deliveries where id = ${claim.id} and state = 'sending' and lease = ${claim.lease} returning id`;
  return rows.length === 1;
}

/**
 * A message row waiting for its job: enough to (re)create the job. `kind` routes it to its queue
 * (src/queue/jobs.ts `queueOfKind`; an email kind may leave it out, a call must say so).
 */
export interface ScheduledDelivery {
  id: number;
  dueAt: Date;
  kind?: MessageKind;
}

/**
 * Every pending message, paged by id, for the reconciler after the queue store lost its data:
 * scheduled ones due before `dueBefore`, claims abandoned past the lease or given back after a failure.
 */
export async function pendingDeliveries(
  sql: postgres.Sql,
  options: { afterId: number; limit: number; dueBefore: Date; leaseSeconds: number },
): Promise<ScheduledDelivery[]> {
  return sql<ScheduledDelivery[]>`
    select id, due_at as "dueAt", kind from deliveries
     where id > ${options.afterId}
       and ((state = 'scheduled' and due_at < ${options.dueBefore})
            or (state = 'sending' and (claimed_at is null or claimed_at < now() - make_interval(secs => ${options.leaseSeconds}))))
     order by id
     limit ${options.limit}`;
}

/**
 * The next batch's leader: the scheduled message due longest ago (≥ `waitingSeconds`), never tried
 * (a tried row's own job retries it), its recipient still qualifying. `kinds`: only these (a
 * batch's hand-on passes the batchable ones: a webhook call taking it would leave the emails after
 * a full batch without a job). Along deliveries_pending_due_idx; none if the 20 oldest all belong
 * to recipients who left (their own jobs, or the overdue pass, cancel them).
 */
export async function oldestDueDelivery(
  sql: postgres.Sql,
  options: { waitingSeconds?: number; kinds?: readonly MessageKind[] } = {},
): Promise<ScheduledDelivery | undefined> {
  // The few oldest along the index, then who qualifies (a direct join may hash-join every subscriber).
  const [row] = await sql.unsafe<ScheduledDelivery[]>(
    `with d as materialized (
       select id, kind, due_at, subscriber_id, enrollment_id, endpoint_id from deliveries
        where state = 'scheduled' and attempts = 0 and not no_batch
          and due_at <= now() - make_interval(secs => $1)
          and ($2::text[] is null or kind = any($2::text[]))
        order by due_at, id
        limit 20
     )
     select d.id, d.due_at as "dueAt", d.kind from d
       left join subscribers s on s.id = d.subscriber_id
      where ${RECIPIENT_QUALIFIES}
      order by d.due_at, d.id
      limit 1`,
    [options.waitingSeconds ?? 0, options.kinds ? [...options.kinds] : null],
    PREPARED,
  );
  return row;
}

/**
 * Scheduled messages due in [from, to): the reconciler's "coming due" pass adds their jobs as
 * they enter the queue's horizon (src/queue/horizon.ts). The window is a few seconds
 * wide after the first pass, so this reads a handful of rows along deliveries_pending_due_idx.
 * `from` undefined: everything due before `to` (a process's first pass).
 */
export async function comingDueDeliveries(
  sql: postgres.Sql,
  options: { afterId: number; limit: number; from: Date | undefined; to: Date },
): Promise<ScheduledDelivery[]> {
  return sql<ScheduledDelivery[]>`
    select id, due_at as "dueAt", kind from deliveries
     where state = 'scheduled'
       and due_at >= coalesce(${options.from ?? null}::timestamptz, '-infinity') and due_at < ${options.to}
       and id > ${options.afterId}
     order by id
     limit ${options.limit}`;
}

/**
 * Messages stuck past their time: scheduled ones overdue by more than `graceSeconds`, and
 * claims abandoned longer than the lease. Their job may be gone, or ended (failed after its
 * retries while Postgres was down) — and an ended job's id makes a plain add a no-op.
 */
export async function overdueDeliveries(
  sql: postgres.Sql,
  options: { graceSeconds: number; leaseSeconds: number; limit: number },
): Promise<ScheduledDelivery[]> {
  return sql<ScheduledDelivery[]>`
    select id, due_at as "dueAt", kind from deliveries
     where (state = 'scheduled' and due_at < now() - make_interval(secs => ${options.graceSeconds}))
        or (state = 'sending' and (claimed_at is null or claimed_at < now() - make_interval(secs => ${options.leaseSeconds})))
     order by due_at
     limit ${options.limit}`;
}
