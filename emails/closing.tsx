import { Heading, Text } from "@react-email/components";
import { GuideReminder } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import { BookAssessment, NOTES_PAGE_TITLE } from "./components/next-steps.js";
import { RedFlagReminder } from "./components/red-flag-list.js";
import * as s from "./components/styles.js";
import type { BaseEmailProps } from "./props.js";

const title = "The Flare-Up Reset series: a short recap";

export const previewText =
  "The main ideas of the series in one place, and a page in your guide to keep your own flare-up notes.";

/** No name in the subject (see components/personalize.ts): the greeting inside uses it. */
export function subject(): string {
  return title;
}

const recap = [
  ["Why it flares", "flare-ups often follow an accumulation of stressors (long sitting, sudden increases in activity, lifting, poor sleep, stress) rather than one single event."],
  ["Calming positions", "the 90–90 position, supported child's pose and side-lying with a pillow between the knees may help calm symptoms."],
  ["The common mistake", "aggressive stretching early in a flare can, in some cases, increase nerve irritation; gentler strategies often work better early on."],
  ["Easing back", "once symptoms calm, gradual movement can be reintroduced, starting small and building up."],
  ["Red flags", "which signs need emergency care now, and which a clinician the same day (the box below)."],
] as const;

/** Four days after a check-in that got no answer: the last email, a recap and the notes page. */
export default function Closing({
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
        This is the last email of the Flare-Up Reset series. Thank you for reading along. Here are
        its main ideas in one place.
      </Text>
      <ul style={s.list}>
        {recap.map(([name, line]) => (
          <li key={name} style={s.listItem}>
            <strong>{name}:</strong> {line}
          </li>
        ))}
      </ul>

      <Heading as="h2" style={s.subheading}>
        Your flare-up notes
      </Heading>
      <Text style={s.paragraph}>
        Near the end of your guide is a printable page, "{NOTES_PAGE_TITLE}": what seems to add up
        before your flare-ups, what helps you settle, and questions for your clinician. Noticing your
        own pattern may help you respond more calmly next time.
      </Text>
      <GuideReminder guideUrl={guideUrl} />

      <BookAssessment bookingUrl={bookingUrl} clinicName={clinicName} />
      <RedFlagReminder care={care} />
    </Layout>
  );
}

Closing.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
  bookingUrl: "https://clinic.example/book",
  care: { emergencyNumber: "911", clinicPhone: "(555) 010-0199", clinicHours: "Mon–Fri 8am–6pm" },
} satisfies BaseEmailProps;
