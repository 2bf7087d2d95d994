/**
 * The consent wording by the form, stored (text and version) with every signup so the clinic can show
 * exactly what each person agreed to (GDPR art. 7(1)). Change the wording → bump the version.
 */
export const CONSENT_FORM_VERSION = "2026-12-landing-v2";

/**
 * v2 (issue 15): the series also suggests supportive tools and supplements, with links the clinic
 * may earn from; a reader agrees to that too, so it is said before they sign up.
 */
export const CONSENT_WORDING =
  "Send me the free Flare-Up Reset Guide and a short series of educational emails about " +
  "sciatica flare-ups. One email also suggests supportive tools and supplements, with links " +
  "the clinic may earn a commission from. I can unsubscribe at any time with one click.";
