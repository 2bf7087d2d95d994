import type postgres from "postgres";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import { leave } from "../campaign/leave.js";
import { emailHash, normaliseEmail } from "../campaign/email-hash.js";
import { anonymisePayload } from "../feedback/anonymise.js";
import {
  addSuppression,
  exportByEmail,
  isSuppressed,
  liftSuppression,
  replaceEventPayload,
  scrubSubscriber,
  subscriberIdByEmail,
  type SubscriberExport,
} from "../db/queries/data-rights.js";

export interface DataRightsDeps {
  /** The raw pool: leave() and the one-statement export. */
  sql: postgres.Sql;
  db: Database;
  logger: Logger;
}

/**
 * GDPR art. 15/20: everything held about one address, as JSON (the subscriber row, each consent
 * event with time, IP and user agent, enrollments, deliveries, confirmation emails, provider events,
 * guide downloads, outbox copies, its hash's suppression). Undefined when not held nor suppressed.
 */
export type AddressExport = { exportedAt: string; email: string; suppressed: boolean } & (SubscriberExport | { subscriber: null });

export async function exportAddress(deps: DataRightsDeps, email: string): Promise<AddressExport | undefined> {
  const normalised = normaliseEmail(email);
  const [held, suppressed] = await Promise.all([
    exportByEmail(deps.sql, normalised),
    isSuppressed(deps.db, emailHash(normalised)),
  ]);
  if (!held && !suppressed) return undefined;
  return {
    exportedAt: new Date().toISOString(),
    email: normalised,
    suppressed,
    ...(held ?? { subscriber: null }),
  };
}

export interface EraseResult {
  /** The address was on the list and its personal data is now gone. */
  erased: boolean;
  /** Its hash is on the suppression list: a later signup of it stores and sends nothing. */
  suppressed: boolean;
}

/**
 * GDPR art. 17: erases one address — every future send stops (leave(), invariant 4), then in one
 * transaction what identifies the person goes and what the stats count stays, anonymous
 * (docs/compliance.md "Erase"; scrubSubscriber). With `suppress`, sha256 of the address is kept so
 * a later signup stores and sends nothing: only when the admin asks (the hash is still personal data).
 */
export async function eraseAddress(deps: DataRightsDeps, email: string, options: { suppress: boolean }): Promise<EraseResult> {
  const normalised = normaliseEmail(email);
  const hash = emailHash(normalised);
  const subscriberId = await subscriberIdByEmail(deps.db, normalised);
  if (subscriberId) await leave(deps.sql, subscriberId, "removed");
  const erased = await deps.db.transaction(async (tx) => {
    if (options.suppress) await addSuppression(tx, hash, "erased at the person's request");
    if (!subscriberId) return false;
    const scrubbed = await scrubSubscriber(tx, subscriberId);
    if (!scrubbed) return false;
    for (const event of scrubbed.events) await replaceEventPayload(tx, event.id, anonymisePayload(event.payload));
    return true;
  });
  deps.logger.info({ erased, suppressed: options.suppress }, "data erasure request handled");
  return { erased, suppressed: options.suppress || (await isSuppressed(deps.db, hash)) };
}

/**
 * An admin lifts a suppression (the erased address's hash, or a hard bounce or complaint: status
 * "unsubscribed"). Nothing is sent for it; the address may sign up and confirm like anyone who left.
 */
export async function liftAddressSuppression(deps: DataRightsDeps, email: string): Promise<{ lifted: boolean }> {
  const normalised = normaliseEmail(email);
  const lifted = await liftSuppression(deps.db, normalised, emailHash(normalised));
  deps.logger.info({ lifted }, "suppression lift requested");
  return { lifted };
}
