import { Link, Text } from "@react-email/components";
import * as s from "./styles.js";

/** The article's "Related Reading" titles, as the clinic published them. */
export const READING_TITLES = {
  starterGuideUrl: "Sciatica Starter Guide: Why Pain Travels Down the Leg",
  loadCapacityUrl: "Load vs Capacity: Why Pain Flare-Ups Happen",
  positionsUrl: "3 Positions That May Help Calm a Sciatica Flare",
} as const;

export const BOOKING_LABEL = "Book an assessment";

/** One tap from the clinic (BOOKING_URL); nothing at all when the clinic has not set one. */
export function BookAssessment({ bookingUrl, clinicName }: { bookingUrl?: string | undefined; clinicName: string }) {
  if (!bookingUrl) return null;
  return (
    <Text style={s.paragraph}>
      Would you like a clinician to look at what's going on? The team at {clinicName} can help:{" "}
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
