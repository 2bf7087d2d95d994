/**
 * Besides time, IP and user agent, each consent event records where and what the person did, so the
 * clinic can show how each address consented or withdrew (GDPR art. 7(1), 7(3)). Reword → new version.
 */
export interface ConsentWording {
  kind: "confirm" | "resubscribe" | "unsubscribe";
  formVersion: string;
  wording: string;
}

export const CONFIRM_CONSENT: ConsentWording = {
  kind: "confirm",
  // v2: the confirmation email now says one email suggests tools and supplements (issue 15).
  // v3: …with links the clinic may earn a commission from, as the form says (issue 27, item 7).
  formVersion: "confirm-email-v3",
  wording:
    "Clicked the confirmation link in the email sent to this address, asking for the Flare-Up Reset Guide " +
    "and the short series of educational emails, one of which suggests supportive tools and supplements, " +
    "with links the clinic may earn a commission from.",
};

export const RESUBSCRIBE_CONSENT: ConsentWording = {
  kind: "resubscribe",
  formVersion: "unsubscribe-page-v1",
  wording: "Clicked “Resubscribe” on the unsubscribe page, reached from an email sent to this address.",
};

export const ONE_CLICK_WITHDRAWAL: ConsentWording = {
  kind: "unsubscribe",
  formVersion: "rfc8058-one-click",
  wording: "Unsubscribed with the mail client's one-click unsubscribe (RFC 8058 List-Unsubscribe-Post).",
};

export const PAGE_WITHDRAWAL: ConsentWording = {
  kind: "unsubscribe",
  formVersion: "unsubscribe-page-v1",
  wording: "Clicked “Unsubscribe” on the unsubscribe page, reached from an email sent to this address.",
};
