import { Fragment } from "react";
import { Heading, Text } from "@react-email/components";
import { GuideReminder } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import { BookAssessment, FurtherReading, READING_TITLES } from "./components/next-steps.js";
import { RedFlagReminder } from "./components/red-flag-list.js";
import * as s from "./components/styles.js";
import type { BaseEmailProps } from "./props.js";

const title = "3 positions that may help calm a flare-up";

export const previewText =
  "The 90–90 position, supported child's pose and side-lying with a pillow, with a short how-to for each.";

/** No name in the subject (see components/personalize.ts): the greeting inside uses it. */
export function subject(): string {
  return title;
}

const positions = [
  {
    name: "The 90–90 position",
    howTo:
      "Lie on your back with your lower legs resting on a chair, sofa or bed, so your hips and knees are both bent at about 90 degrees. Let your back settle and breathe slowly.",
  },
  {
    name: "Supported child's pose",
    howTo:
      "Kneel, sit back toward your heels and fold forward onto a stack of pillows under your chest, arms resting. Widen your knees if that feels easier, and only go as far as is comfortable.",
  },
  {
    name: "Side-lying with a pillow between the knees",
    howTo:
      "Lie on your more comfortable side with your knees gently bent and a pillow between them, so your top hip stays level and your back can relax.",
  },
] as const;

export default function Positions({
  firstName,
  guideUrl,
  unsubscribeUrl,
  postalAddress,
  clinicName,
  bookingUrl,
  reading,
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
        During a flare-up, the goal is usually to reduce irritation before pushing into more
        movement. These supported positions may reduce pressure around the irritated nerve and let
        the muscles relax.
      </Text>

      {positions.map((position, index) => (
        <Fragment key={position.name}>
          <Heading as="h2" style={s.subheading}>
            {index + 1}. {position.name}
          </Heading>
          <Text style={s.paragraph}>{position.howTo}</Text>
        </Fragment>
      ))}

      <Text style={s.paragraph}>
        Stay as long as it feels comfortable. If a position increases your leg symptoms, ease out of
        it: another one may suit you better.
      </Text>

      <Heading as="h2" style={s.subheading}>
        Easing back into movement
      </Heading>
      <Text style={s.paragraph}>
        Once symptoms calm, gradual movement can be reintroduced. Short walks may help reduce
        stiffness and improve circulation, while a lot of walking during a flare-up may increase
        irritation. Start small and build up step by step.
      </Text>

      <FurtherReading url={reading?.positionsUrl} title={READING_TITLES.positionsUrl} />
      {/* Booking before the reminder, never directly under the emergency signs (issue 27, item 2). */}
      <BookAssessment bookingUrl={bookingUrl} clinicName={clinicName} />
      <RedFlagReminder care={care} />
      <Text style={s.paragraph}>Next time: the common mistake many people make during a flare-up.</Text>
      <GuideReminder guideUrl={guideUrl} />
    </Layout>
  );
}

Positions.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
  bookingUrl: "https://clinic.example/book",
  reading: { positionsUrl: "https://clinic.example/3-positions-sciatica-flare" },
} satisfies BaseEmailProps;
