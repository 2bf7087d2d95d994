import type postgres from "postgres";
import type { ConsentEvent } from "./activation.js";

/** The statuses a subscriber can leave with (src/campaign/leave.ts maps the reasons onto them). */
export type LeftStatus = "unsubscribed" | "bounced" | "complained";
type SubscriberStatus = "pending" | "active" | LeftStatus;

export interface LeftSubscriber {
  /** The status before this statement (read under the row lock, so after any leave that ran first). */
  previous: SubscriberStatus;
  current: SubscriberStatus;
}

/**
 * Stops every future send in one statement: status and left_at, active enrollments stopped,
 * scheduled deliveries cancelled. A bounce or complaint overrides a plain unsubscribe (it matters
 * more for the sending reputation); anything else keeps the first time and reason. `withdrawal` is
 * written only when this statement moved the subscriber from pending/active to unsubscribed: the
 * `before` row is locked, so of two one-click POSTs at once the second waits for the first's
 * commit and reads "unsubscribed" (one withdrawal, decided by the row lock, not a read-then-write).
 * FOR NO KEY UPDATE, not FOR UPDATE: a step's close holding this reader's enrollment writes the
 * next step's row, whose key check takes the subscriber FOR KEY SHARE; FOR UPDATE made that a
 * deadlock with this statement waiting for the enrollment (tests/integration/leave-during-close).
 * Undefined when no such subscriber.
 */
export async function leaveSubscriber(
  sql: postgres.Sql,
  subscriberId: string,
  status: LeftStatus,
  withdrawal?: ConsentEvent,
): Promise<LeftSubscriber | undefined> {
  const recordWithdrawal = withdrawal !== undefined;
  const [row] = await sql<LeftSubscriber[]>`
    with before as (
      select id, status from subscribers where id = ${subscriberId} for no key update
    ), subscriber as (
      update subscribers s
         set status = case
                        when s.status in ('bounced', 'complained') then s.status
                        when s.status = 'unsubscribed' and ${status} = 'unsubscribed' then s.status
                        else ${status}::subscriber_status
                      end,
             left_at = coalesce(s.left_at, now()),
             updated_at = now()
        from before
       where s.id = before.id
      returning s.id, before.status as previous, s.status as current
    ), stopped as (
      update enrollments set state = 'stopped', next_step = null, next_send_at = null, ended_at = now(), updated_at = now()
       where subscriber_id in (select id from subscriber) and state = 'active'
    ), cancelled as (
      update deliveries set state = 'cancelled', updated_at = now()
       where subscriber_id in (select id from subscriber) and state = 'scheduled'
    ), withdrawn as (
      insert into consents (subscriber_id, kind, ip, user_agent, form_version, wording)
      select id, ${withdrawal?.kind ?? null}, ${withdrawal?.ip ?? null}, ${withdrawal?.userAgent ?? null},
             ${withdrawal?.formVersion ?? null}, ${withdrawal?.wording ?? null}
        from subscriber
       where ${recordWithdrawal} and previous in ('pending', 'active') and current = 'unsubscribed'
    )
    select previous, current from subscriber`;
  return row;
}
