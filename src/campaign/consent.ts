/**
 * The consent wording shown next to the form. Its text and version are stored with every
 * signup, so the clinic can show exactly what each person agreed to (GDPR art. 7(1)).
 * Change the wording → bump the version.
 */
export const CONSENT_FORM_VERSION = "2026-11-landing-v1";

export const CONSENT_WORDING =
  "Send me the free Flare-Up Reset Guide and a short series of educational emails about " +
  "sciatica flare-ups. I can unsubscribe at any time with one click.";
