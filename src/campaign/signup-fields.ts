import type { SignupFields } from "../db/queries/signup.js";
import { emailHash } from "./email-hash.js";
import { CONSENT_FORM_VERSION, CONSENT_WORDING } from "./consent.js";
import type { SignupInput } from "./signup-input.js";

/**
 * A validated form post and its request as the rows a signup stores: the reader's fields and the
 * consent record (wording and version of the form they saw, address, user agent). One mapping
 * for the single opt-in insert and the double opt-in request alike.
 */
export type SignupMeta = Pick<SignupFields, "ip" | "userAgent">;

export function signupFields(input: SignupInput, meta: SignupMeta): SignupFields {
  return {
    email: input.email,
    emailHash: emailHash(input.email),
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
  };
}
