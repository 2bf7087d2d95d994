import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { Queues } from "../queue/queues.js";
import { insertSignup } from "../db/queries/signup.js";
import { CONSENT_FORM_VERSION, CONSENT_WORDING } from "./consent.js";
import type { SequenceDefinition } from "./sequence.js";
import type { SignupInput } from "./signup-input.js";

export interface SignupDeps {
  sql: postgres.Sql;
  queues: Pick<Queues, "enqueueDeliveries">;
  logger: Logger;
  sequence: SequenceDefinition;
}

export interface SignupMeta {
  ip: string | undefined;
  userAgent: string | undefined;
}

/**
 * Signs a reader up (DESIGN.md invariant 1). When this resolves, the subscriber, the consent
 * record, the enrollment and the welcome delivery are committed. The enqueue comes after the
 * commit and may fail: the reconciler enqueues any delivery that has no job, so nothing is lost.
 * A known address changes nothing and is answered the same by the caller.
 */
export async function signUp(deps: SignupDeps, input: SignupInput, meta: SignupMeta): Promise<void> {
  const first = deps.sequence.steps[0];
  if (!first) throw new Error(`sequence ${deps.sequence.key} has no steps`);
  const row = await insertSignup(deps.sql, {
    email: input.email,
    firstName: input.firstName,
    timezone: input.timezone,
    source: input.source,
    utmSource: input.utm_source,
    utmMedium: input.utm_medium,
    utmCampaign: input.utm_campaign,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 512),
    formVersion: CONSENT_FORM_VERSION,
    wording: CONSENT_WORDING,
    sequence: deps.sequence.key,
    firstStep: first.key,
  });
  if (!row) return;
  try {
    await deps.queues.enqueueDeliveries([{ id: row.deliveryId, dueAt: row.dueAt }]);
  } catch (error) {
    deps.logger.warn({ deliveryId: row.deliveryId, err: error }, "enqueue after signup failed; the reconciler will send it");
  }
}
