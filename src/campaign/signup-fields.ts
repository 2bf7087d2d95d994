import type { SignupFields } from "../db/queries/signup.js";
import { emailHash } from "./email-hash.js";
import { CONSENT_FORM_VERSION, CONSENT_WORDING } from "./consent.js";
import type { SignupInput } from "./signup-input.js";

/**
 * A validated form post and its request as a signup's rows: the reader's fields and the consent
 * record (the form's wording and version, address, user agent), for single and double opt-in alike.
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
