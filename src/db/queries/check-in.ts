import type postgres from "postgres";
import type { CheckInAnswerRow } from "../schema/check-in.js";

/** The SQL of the check-in's answers and of goals (src/campaign/check-in.ts, conversions.ts). */

export interface AnsweredEmail {
  enrollmentId: number;
  subscriberId: string;
  step: string;
}

/**
 * Stores an answer to the email `deliveryId` if it is a step asking the question (`askingSteps`)
 * that went out, `sending` included (the provider may deliver before the worker's commit; whoever
 * plans the next step then reads this answer). Returns its enrollment; undefined for any other row.
 */
export async function insertAnswer(
  tx: postgres.TransactionSql,
  a: { deliveryId: number; answer: CheckInAnswerRow["answer"]; ip: string | undefined; userAgent: string | undefined },
  askingSteps: string[],
): Promise<AnsweredEmail | undefined> {
  const [row] = await tx<AnsweredEmail[]>`
    with email as (
      select enrollment_id, subscriber_id, step from deliveries
       where id = ${a.deliveryId} and kind = 'step' and state in ('sending', 'sent') and step = any(${askingSteps}::text[])
    ), answer as (
      insert into checkin_answers (enrollment_id, subscriber_id, delivery_id, answer, ip, user_agent)
      select enrollment_id, subscriber_id, ${a.deliveryId}, ${a.answer}, ${a.ip ?? null}, ${a.userAgent ?? null} from email
    )
    select enrollment_id as "enrollmentId", subscriber_id as "subscriberId", step from email`;
  return row;
}

/**
 * Records a goal for the subscriber with this address (not erased) and ends their sequence in one
 * statement: the enrollment becomes `converted`, unclaimed step emails are cancelled (a claimed one
 * re-checks at its claim); a second call changes nothing. Undefined when no such subscriber.
 */
export async function convertSubscriber(
  sql: postgres.Sql,
  email: string,
  goal: string,
): Promise<{ subscriberId: string; cancelled: number } | undefined> {
  const [row] = await sql<{ subscriberId: string; cancelled: number }[]>`
    with subscriber as (
      -- No key update: a step's close holds the enrollment and then checks its new row's key
      -- against this subscriber (src/campaign/advance.ts): FOR UPDATE here would wait on it in turn.
      select id from subscribers where email = ${email} and erased_at is null for no key update
    ), goal as (
      insert into conversions (subscriber_id, goal) select id, ${goal} from subscriber
      on conflict (subscriber_id, goal) do nothing
    ), ended as (
      update enrollments set state = 'converted', next_step = null, next_send_at = null, ended_at = now(), updated_at = now()
       where subscriber_id in (select id from subscriber) and state = 'active'
      returning id
    ), cancelled as (
      update deliveries set state = 'cancelled', updated_at = now()
       where enrollment_id in (select id from ended) and kind = 'step' and state = 'scheduled'
      returning id
    )
    select id as "subscriberId", (select count(*)::int from cancelled) as cancelled from subscriber`;
  return row;
}

