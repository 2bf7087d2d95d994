import { Heading, Text } from "@react-email/components";
import { GuideReminder } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import { BookAssessment } from "./components/next-steps.js";
import { RedFlagReminder } from "./components/red-flag-list.js";
import * as s from "./components/styles.js";
import type { BaseEmailProps } from "./props.js";

const title = "About the same: easing back into movement, step by step";

export const previewText =
  "Gradual movement may help as symptoms calm. Here is how to reintroduce it, and when it's time to book.";

/** No name in the subject (see components/personalize.ts): the greeting inside uses it. */
export function subject(): string {
  return title;
}

const gradual = [
  "Short walks: they may help reduce stiffness and improve circulation. Start with a few minutes and add a little at a time; a lot of walking during a flare-up may increase irritation.",
  "Breaking up long sitting: getting up and changing position often may help, since long periods of sitting are a common trigger.",
  "Gentle movement rather than hard stretching: keep it easy, and ease off if symptoms travel further down the leg.",
  "The calming positions, whenever symptoms rise again: the 90–90 position, supported child's pose, or side-lying with a pillow between the knees.",
] as const;

/** A day after an "about the same" answer: gradual movement reintroduced, and when to book. */
export default function CheckInSame({
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
        Thank you for letting us know. Flare-ups often happen when the nervous system is under more
        stress than it can currently tolerate, and capacity tends to come back gradually, not all at
        once. Once symptoms begin to calm, gradual movement can be reintroduced.
      </Text>

      <Heading as="h2" style={s.subheading}>
        Reintroducing movement gradually
      </Heading>
      <ul style={s.list}>
        {gradual.map((item) => (
          <li key={item} style={s.listItem}>
            {item}
          </li>
        ))}
      </ul>
      <Text style={s.paragraph}>
        Build up step by step: a little more each time, as long as your symptoms don't climb. If
        something sets them off, go back a step rather than pushing through.
      </Text>

      <Heading as="h2" style={s.subheading}>
        When to book an assessment
      </Heading>
      <Text style={s.paragraph}>
        If your symptoms are not settling, keep coming back, or get in the way of sleep, work or
        daily life, it's worth having a clinician take a look. Sciatica is a pattern of symptoms, not
        a diagnosis on its own, and an assessment can look at what is behind yours.
      </Text>
      <BookAssessment bookingUrl={bookingUrl} clinicName={clinicName} />
      <RedFlagReminder care={care} />
      <Text style={s.paragraph}>
        This is the last email of the Flare-Up Reset series. Your guide stays yours to keep.
      </Text>
      <GuideReminder guideUrl={guideUrl} />
    </Layout>
  );
}

CheckInSame.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
  bookingUrl: "https://clinic.example/book",
  care: { emergencyNumber: "911", clinicPhone: "(555) 010-0199", clinicHours: "Mon–Fri 8am–6pm" },
} satisfies BaseEmailProps;
