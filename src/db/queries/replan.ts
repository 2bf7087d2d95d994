import type postgres from "postgres";
import type { Delivery, Enrollment, SequenceDefinitionRow } from "../schema/index.js";

/**
 * The SQL of re-planning enrollments after the sequence definition changed, run in the caller's
 * postgres.js transaction (src/campaign/replan.ts): typed SQL, docs/architecture.md "Queries".
 */

export interface LockedEnrollment {
  id: number;
  subscriberId: string;
  startedAt: Date;
  timezone: string | null;
}

/**
 * Locks an active enrollment for the rest of the transaction. The worker's "mark sent + schedule
 * next" transaction updates the same row, so the two never plan one enrollment at once.
 */
export async function lockActiveEnrollment(tx: postgres.TransactionSql, id: number): Promise<LockedEnrollment | undefined> {
  const [row] = await tx<LockedEnrollment[]>`
    select e.id, e.subscriber_id as "subscriberId", e.created_at as "startedAt", s.timezone
      from enrollments e join subscribers s on s.id = e.subscriber_id
     where e.id = ${id} and e.state = 'active'
       for update of e`;
  return row;
}

/**
 * Locks the enrollment's pending deliveries without waiting: false when another transaction holds
 * one (a claim, leave(), a send being recorded). The caller then leaves the enrollment alone —
 * whoever holds the row is moving it on — and never waits on a delivery row while holding the
 * enrollment row, so no lock cycle with leave() (which takes both in one statement) can form.
 */
export async function lockPendingDeliveries(tx: postgres.TransactionSql, enrollmentId: number): Promise<boolean> {
  try {
    await tx.savepoint((sp) => sp`
      select id from deliveries
       where enrollment_id = ${enrollmentId} and state in ('scheduled', 'sending')
         for update nowait`);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "55P03") return false; // lock_not_available
    throw error;
  }
}

export type EnrollmentDelivery = Pick<Delivery, "id" | "state" | "attempts" | "dueAt"> & {
  /** A step row always names its step (deliveries_step_shape). */
  step: string;
  /** sent_at, or the last update of a failed row. */
  finishedAt: Date;
};

export async function deliveriesOfEnrollment(tx: postgres.TransactionSql, enrollmentId: number): Promise<EnrollmentDelivery[]> {
  return tx<EnrollmentDelivery[]>`
    select id, step, state, attempts, due_at as "dueAt", coalesce(sent_at, updated_at) as "finishedAt"
      from deliveries where enrollment_id = ${enrollmentId} and kind = 'step'`;
}

/**
 * Deletes never-claimed scheduled deliveries (attempts = 0: nothing went to the provider under their
 * key, so nothing can replay or meet a 409). Returns how many; fewer: a worker claimed one meanwhile.
 */
export async function discardUnclaimedDeliveries(tx: postgres.TransactionSql, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await tx`
    delete from deliveries where id = any(${ids}::bigint[]) and state = 'scheduled' and attempts = 0 returning id`;
  return rows.length;
}

/** A page of the active enrollments of a sequence, by id. */
export async function activeEnrollmentIds(
  sql: postgres.Sql,
  sequence: string,
  afterId: number,
  limit: number,
): Promise<number[]> {
  const rows = await sql<Pick<Enrollment, "id">[]>`
    select id from enrollments
     where sequence = ${sequence} and state = 'active' and id > ${afterId}
     order by id limit ${limit}`;
  return rows.map((r) => r.id);
}

export async function appliedFingerprint(sql: postgres.Sql, sequence: string): Promise<string | undefined> {
  const [row] = await sql<Pick<SequenceDefinitionRow, "fingerprint">[]>`
    select fingerprint from sequence_definitions where sequence = ${sequence}`;
  return row?.fingerprint;
}

export async function recordFingerprint(
  sql: postgres.Sql,
  sequence: string,
  fingerprint: string,
  definition: Record<string, unknown>,
): Promise<void> {
  await sql`
    insert into sequence_definitions (sequence, fingerprint, definition, applied_at)
    values (${sequence}, ${fingerprint}, ${sql.json(definition as postgres.JSONValue)}, now())
    on conflict (sequence) do update
       set fingerprint = excluded.fingerprint, definition = excluded.definition, applied_at = now()`;
}

/**
 * Runs `work` while holding a session advisory lock for one sequence: two workers starting at
 * once re-plan one after the other (the second then finds nothing left to do), never together.
 */
export async function withSequenceLock<T>(sql: postgres.Sql, sequence: string, work: () => Promise<T>): Promise<T> {
  const connection = await sql.reserve();
  try {
    await connection`select pg_advisory_lock(hashtext(${`fur-sequence:${sequence}`}))`;
    try {
      return await work();
    } finally {
      await connection`select pg_advisory_unlock(hashtext(${`fur-sequence:${sequence}`}))`;
    }
  } finally {
    connection.release();
  }
}
