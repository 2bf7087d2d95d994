import { Heading, Text } from "@react-email/components";
import { GuideReminder } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import { BookAssessment } from "./components/next-steps.js";
import { EmergencySigns, SameDaySigns } from "./components/red-flag-list.js";
import * as s from "./components/styles.js";
import type { BaseEmailProps } from "./props.js";

const title = "Worse than before: what to check first, and what may help";

export const previewText =
  "First the signs that need care now and how to reach it, then gentler steps that may help a flare-up settle.";

/** No name in the subject (see components/personalize.ts): the greeting inside uses it. */
export function subject(): string {
  return title;
}

const calming = [
  ["The 90–90 position", "on your back, lower legs resting on a chair or sofa, hips and knees bent at about 90 degrees."],
  ["Supported child's pose", "kneeling and folding forward onto a stack of pillows, only as far as is comfortable."],
  ["Side-lying with a pillow between the knees", "on your more comfortable side, knees gently bent, top hip level."],
] as const;

/**
 * Sent at once after a "worse" answer, outside the send window (DESIGN.md). The order is the
 * clinician's (issue 27): the emergency signs first, then same-day care and how to reach it, and
 * only then the flare-up advice. The booking link comes last, well below the emergency signs,
 * and says what it is for.
 */
export default function CheckInWorse({
  firstName,
  guideUrl,
  unsubscribeUrl,
  postalAddress,
  clinicName,
  bookingUrl,
  care,
}: BaseEmailProps) {
  return (
    <Layout
      preview={previewText}
      heading={title}
      firstName={firstName}
      clinicName={clinicName}
      postalAddress={postalAddress}
      unsubscribeUrl={unsubscribeUrl}
      care={care}
    >
      <Text style={s.paragraph}>
        Thank you for letting us know, and we're sorry it has been harder. Before anything else,
        please check whether any of these signs apply to you.
      </Text>

      <EmergencySigns care={care} />
      <SameDaySigns care={care} />

      <Heading as="h2" style={s.subheading}>
        If none of these apply: gentler often works better early on
      </Heading>
      <Text style={s.paragraph}>
        Flare-ups can feel alarming. In many cases, what is happening is nerve irritation, not
        necessarily worsening structural damage. When pain gets worse, it's natural to want to
        stretch it away, but aggressive stretching early in a flare can, in some cases, increase
        nerve irritation. Gentler strategies often work better early on: the goal is usually to
        reduce irritation before pushing into more movement.
      </Text>

      <Heading as="h2" style={s.subheading}>
        Back to the calming positions
      </Heading>
      <Text style={s.paragraph}>
        These supported positions may reduce pressure around the irritated nerve and let the
        muscles relax:
      </Text>
      <ul style={s.list}>
        {calming.map(([name, line]) => (
          <li key={name} style={s.listItem}>
            <strong>{name}:</strong> {line}
          </li>
        ))}
      </ul>
      <Text style={s.paragraph}>
        Stay as long as it feels comfortable. If a position increases your leg symptoms, ease out of
        it and try another. It may also help to notice what added up in the days before: long
        sitting, a sudden increase in activity, lifting more than usual, poor sleep or stress.
      </Text>
      <GuideReminder guideUrl={guideUrl} />

      <Heading as="h2" style={s.subheading}>
        If it isn't settling
      </Heading>
      <Text style={s.paragraph}>
        Sciatica is a pattern of symptoms, not a diagnosis on its own. If your symptoms are not
        settling, it's worth having a clinician take a look.
      </Text>
      <BookAssessment bookingUrl={bookingUrl} clinicName={clinicName} />
      <Text style={s.paragraph}>
        This is the last email of the Flare-Up Reset series. Your guide stays yours to keep.
      </Text>
    </Layout>
  );
}

CheckInWorse.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
  bookingUrl: "https://clinic.example/book",
  care: { emergencyNumber: "911", clinicPhone: "(555) 010-0199", clinicHours: "Mon–Fri 8am–6pm" },
} satisfies BaseEmailProps;
