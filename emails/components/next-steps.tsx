import { Link, Text } from "@react-email/components";
import * as s from "./styles.js";

/** The article's "Related Reading" titles, as the clinic published them. */
export const READING_TITLES = {
  starterGuideUrl: "Sciatica Starter Guide: Why Pain Travels Down the Leg",
  loadCapacityUrl: "Load vs Capacity: Why Pain Flare-Ups Happen",
  positionsUrl: "3 Positions That May Help Calm a Sciatica Flare",
} as const;

/**
 * The guide's printable notes page (src/guide/content.ts uses this title), which the last emails
 * point to: what added up before a flare-up, what helped, questions for the clinician.
 */
export const NOTES_PAGE_TITLE = "My flare-up notes";

export const BOOKING_LABEL = "Book an assessment";

/**
 * What the booking link is for, said before it (issue 27, item 2): an appointment days away is
 * the wrong answer to an emergency sign, so the link never offers itself as one. Templates also
 * never place it directly under the emergency signs (tests/unit/emails.unit.test.ts checks).
 */
export const BOOKING_PURPOSE = "For symptoms that are not settling — not for the urgent signs in this email —";

/** One tap from the clinic (BOOKING_URL); nothing at all when the clinic has not set one. */
export function BookAssessment({ bookingUrl, clinicName }: { bookingUrl?: string | undefined; clinicName: string }) {
  if (!bookingUrl) return null;
  return (
    <Text style={s.paragraph}>
      {BOOKING_PURPOSE} the team at {clinicName} can assess what's going on:{" "}
      <Link href={bookingUrl} style={{ ...s.link, fontWeight: 600 }}>
        {BOOKING_LABEL}
      </Link>
    </Text>
  );
}

/** One related-reading piece, when its link is set. */
export function FurtherReading({ url, title }: { url?: string | undefined; title: string }) {
  if (!url) return null;
  return (
    <Text style={s.paragraph}>
      Further reading:{" "}
      <Link href={url} style={s.link}>
        {title}
      </Link>
    </Text>
  );
}
