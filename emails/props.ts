/**
 * What every template receives. Templates know nothing of the database: the worker resolves
 * links and names and passes plain values in.
 */

/** A product link in the "mistakes" email: supportive tools (TOOLS_URL) or a supplement (SUPPLEMENT_URL). */
export interface EmailLink {
  /** Which block it belongs to: each block is worded for the links that exist. */
  kind: "tools" | "supplements";
  label: string;
  url: string;
  /** True only when the clinic may earn from the link (a setting): the email then says so plainly. */
  affiliate?: boolean;
}

/**
 * The article's "Related Reading" pieces, wherever the clinic has published them (settings).
 * Each is optional: an unset one is simply not mentioned.
 */
export interface RelatedReading {
  /** "Sciatica Starter Guide: Why Pain Travels Down the Leg" — in the welcome. */
  starterGuideUrl?: string | undefined;
  /** "Load vs Capacity: Why Pain Flare-Ups Happen" — in the triggers email. */
  loadCapacityUrl?: string | undefined;
  /** "3 Positions That May Help Calm a Sciatica Flare" — in the positions email. */
  positionsUrl?: string | undefined;
}

/**
 * How a reader reaches care, from the clinic's settings (EMERGENCY_NUMBER, CLINIC_PHONE,
 * CLINIC_HOURS). None of these is named `…Url`, so the render cache keeps them in its key (they
 * are per process, not per reader): see src/mail/render-cache.ts.
 */
export interface CareContacts {
  /** EMERGENCY_NUMBER: "911" unless set. */
  emergencyNumber: string;
  /** CLINIC_PHONE: same-day care says "call us on …" when set. */
  clinicPhone?: string | undefined;
  /** CLINIC_HOURS, e.g. "Mon–Fri 8am–6pm": when the phone and the reply inbox are answered. */
  clinicHours?: string | undefined;
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
  /** BOOKING_URL: "Book an assessment" in the later emails; omitted when unset. */
  bookingUrl?: string | undefined;
  /** RELATED_READING_* settings: omitted when unset. */
  reading?: RelatedReading | undefined;
  /** The clinic's care contacts; DEFAULT_CARE (911, no phone) when left out. */
  care?: CareContacts | undefined;
}

/**
 * The check-in's three answers, each a first-party page (src/campaign/links.ts answerUrl). Every
 * name ends in `Url` on purpose: the render cache swaps each `…Url` prop for a placeholder, and a
 * per-reader value under any other name would be baked into the cached template.
 */
export interface CheckInAnswerUrls {
  betterUrl: string;
  sameUrl: string;
  worseUrl: string;
}

export interface CheckInEmailProps extends BaseEmailProps {
  answers: CheckInAnswerUrls;
}

/** The welcome names what is coming, so it says whether product links (and affiliate ones) are. */
export interface WelcomeEmailProps extends BaseEmailProps {
  toolLinks?: EmailLink[] | undefined;
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
  /** For the reply note's hours; DEFAULT_CARE when left out. */
  care?: CareContacts | undefined;
}

/** "Mail me a fresh link", asked for from an expired guide link. */
export interface FreshLinkEmailProps extends BaseEmailProps {
  /** How long the new link works (GUIDE_LINK_TTL_DAYS). */
  validDays: number;
}
