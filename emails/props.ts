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
