import type postgres from "postgres";

/**
 * Why a subscriber stops receiving email. Each maps to the subscriber status the stats count.
 * `removed` is an admin's action and counts as unsubscribed.
 */
export type LeaveReason = "unsubscribed" | "bounced" | "complained" | "removed";

const STATUS: Record<LeaveReason, "unsubscribed" | "bounced" | "complained"> = {
  unsubscribed: "unsubscribed",
  bounced: "bounced",
  complained: "complained",
  removed: "unsubscribed",
};

/**
 * Stops every future send to a subscriber at once (DESIGN.md invariant 4), in one statement:
 * status and left_at, active enrollments stopped, scheduled deliveries cancelled. Jobs already
 * queued find a non-active subscriber when they claim and send nothing. Idempotent: leaving
 * twice keeps the first time and reason, except that a bounce or complaint overrides a plain
 * unsubscribe (it matters more for the sending reputation). Returns false if no such subscriber.
 */
export async function leave(sql: postgres.Sql, subscriberId: string, reason: LeaveReason): Promise<boolean> {
  const status = STATUS[reason];
  const rows = await sql`
    with subscriber as (
      update subscribers
         set status = case
                        when status in ('bounced', 'complained') then status
                        when status = 'unsubscribed' and ${status} = 'unsubscribed' then status
                        else ${status}::subscriber_status
                      end,
             left_at = coalesce(left_at, now()),
             updated_at = now()
       where id = ${subscriberId}
      returning id
    ), stopped as (
      update enrollments set state = 'stopped', next_step = null, next_send_at = null, ended_at = now(), updated_at = now()
       where subscriber_id in (select id from subscriber) and state = 'active'
    ), cancelled as (
      update deliveries set state = 'cancelled', updated_at = now()
       where subscriber_id in (select id from subscriber) and state = 'scheduled'
    )
    select id from subscriber`;
  return rows.length === 1;
}
