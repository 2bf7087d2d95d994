import { z } from "zod";

/** A string field kept when it is one, dropped otherwise (the payload is the provider's, not ours to trust). */
const text = z.string().optional().catch(undefined);

/**
 * The parts of a provider event that survive anonymisation. Objects strip every other key, and a
 * part of the wrong shape is dropped (`catch`), never an error: an event is anonymised whatever it holds.
 */
const keptParts = z
  .object({
    type: z.string().catch("unknown"),
    created_at: text,
    data: z
      .object({
        email_id: text,
        created_at: text,
        tags: z
          .custom<object>((value) => value !== null && typeof value === "object")
          .optional()
          .catch(undefined),
        click: z.object({ link: z.string() }).optional().catch(undefined),
        bounce: z.object({ type: z.string(), subType: text }).optional().catch(undefined),
      })
      .catch({}),
  })
  .catch({ type: "unknown", data: {} });

export type AnonymisedPayload = z.infer<typeof keptParts> & { anonymised: true };

/**
 * What stays of a provider event once the person it was about has been erased: enough for the
 * counts (type, time, message id, step tag, clicked link, bounce type), nothing that names or
 * locates them (address, subject, IP, user agent, bounce message that may quote the address).
 */
export function anonymisePayload(payload: unknown): AnonymisedPayload {
  return { ...keptParts.parse(payload), anonymised: true };
}
