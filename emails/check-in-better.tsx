import { Heading, Text } from "@react-email/components";
import { GuideReminder } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import { BookAssessment, NOTES_PAGE_TITLE } from "./components/next-steps.js";
import { RedFlagReminder } from "./components/red-flag-list.js";
import * as s from "./components/styles.js";
import type { BaseEmailProps } from "./props.js";

const title = "Glad it's easing: how to keep it going";

export const previewText =
  "Keep movement gradual, note what helped on your guide's notes page, and tell us: was this series useful?";

/** No name in the subject (see components/personalize.ts): the greeting inside uses it. */
export function subject(): string {
  return title;
}

/** The question the reader answers by replying (issue 27): the clinic's only word on the series. */
export const USEFUL_QUESTION = "Was this series useful?";

/** A day after a "better" answer: keep going, the notes page, and "was this useful?". */
export default function CheckInBetter({
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
        That's good to hear, and thank you for letting us know. Reducing irritation often helps
        symptoms calm down; as they do, gradual movement can be reintroduced.
      </Text>

      <Heading as="h2" style={s.subheading}>
        Keep going, gradually
      </Heading>
      <Text style={s.paragraph}>
        Short walks and regular breaks from sitting may help, building up a little at a time. Keep
        stretches gentle. If you notice symptoms creeping back, that's a cue to ease off for a while
        and return to the calming positions.
      </Text>

      <Heading as="h2" style={s.subheading}>
        Your flare-up notes
      </Heading>
      <Text style={s.paragraph}>
        Near the end of your guide is a printable page, "{NOTES_PAGE_TITLE}": what seems to add up
        before your flare-ups, the positions and strategies that help you settle, and questions for
        your clinician. Filling it in while it's fresh may help you respond calmly next time.
      </Text>
      <GuideReminder guideUrl={guideUrl} />

      <Heading as="h2" style={s.subheading}>
        {USEFUL_QUESTION}
      </Heading>
      <Text style={s.paragraph}>
        We'd love to know. Just reply to this email with a word or two: what helped, and what was
        missing. It helps us make the guide better for the next person.
      </Text>

      <BookAssessment bookingUrl={bookingUrl} clinicName={clinicName} />
      <RedFlagReminder care={care} />
      <Text style={s.paragraph}>
        This is the last email of the Flare-Up Reset series. Your guide stays yours to keep.
      </Text>
    </Layout>
  );
}

CheckInBetter.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
  bookingUrl: "https://clinic.example/book",
  care: { emergencyNumber: "911", clinicPhone: "(555) 010-0199", clinicHours: "Mon–Fri 8am–6pm" },
} satisfies BaseEmailProps;
