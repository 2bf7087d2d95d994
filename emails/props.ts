/**
 * What every template receives. Templates know nothing of the database: the worker resolves
 * links and names and passes plain values in.
 */
export interface EmailLink {
  label: string;
  url: string;
  /** True when the clinic may earn from the link: the email then says so plainly. */
  affiliate?: boolean;
}

export interface BaseEmailProps {
  firstName?: string | null;
  /** PUBLIC_URL/guide/TOKEN — the subscriber's personal guide link. */
  guideUrl: string;
  /** PUBLIC_URL/unsubscribe/TOKEN — the same URL as the List-Unsubscribe header. */
  unsubscribeUrl: string;
  /** CAN-SPAM: the clinic's physical postal address. */
  postalAddress: string;
  clinicName: string;
}

export interface MistakesEmailProps extends BaseEmailProps {
  /** Supportive tools and the supplement: configuration, not hard-coded. */
  toolLinks: EmailLink[];
}

/** The double opt-in confirmation: no guide link yet — the guide follows the click. */
export interface ConfirmEmailProps {
  firstName?: string | null;
  /** PUBLIC_URL/confirm/TOKEN */
  confirmUrl: string;
  /** How long the confirm link works (PENDING_TTL_DAYS); after that the request is deleted. */
  validDays: number;
  unsubscribeUrl: string;
  postalAddress: string;
  clinicName: string;
}

/** "Mail me a fresh link", asked for from an expired guide link. */
export interface GuideLinkEmailProps extends BaseEmailProps {
  /** How long the new link works (GUIDE_LINK_TTL_DAYS). */
  validDays: number;
}
