import { Heading, Text } from "@react-email/components";
import { GuideReminder } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import { FurtherReading, READING_TITLES } from "./components/next-steps.js";
import { RedFlagReminder } from "./components/red-flag-list.js";
import * as s from "./components/styles.js";
import type { BaseEmailProps } from "./props.js";

const title = "What often sets off a sciatica flare-up";

export const previewText =
  "It's often several stressors adding up, not one single event. Here are five common triggers.";

/** No name in the subject (see components/personalize.ts): the greeting inside uses it. */
export function subject(): string {
  return title;
}

const triggers = [
  "Long periods of sitting",
  "Sudden increases in activity",
  "Lifting more than usual",
  "Poor sleep",
  "Higher stress levels",
] as const;

export default function Triggers({ firstName, guideUrl, unsubscribeUrl, postalAddress, clinicName, reading, care }: BaseEmailProps) {
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
        Flare-ups often happen when the nervous system is under more stress than it can currently
        tolerate. Pain traveling down the leg does not always mean the nerve is severely compressed:
        sometimes the nerve is simply irritated and sensitive, which can amplify pain signals.
      </Text>

      <Heading as="h2" style={s.subheading}>
        Common triggers
      </Heading>
      <ul style={s.list}>
        {triggers.map((trigger) => (
          <li key={trigger} style={s.listItem}>
            {trigger}
          </li>
        ))}
      </ul>

      <Heading as="h2" style={s.subheading}>
        Why it adds up: load vs capacity
      </Heading>
      <Text style={s.paragraph}>
        Each stressor adds to the load. When the total goes beyond what your body can tolerate right
        now, symptoms may spike. A long day of sitting, a poor night's sleep and an unusually heavy
        lift might each be fine on their own; together they can add up. That's why a flare-up can
        seem to come from nowhere: it's often the accumulation, not a single event.
      </Text>
      <Text style={s.paragraph}>
        It may help to notice which of these were present in the days before your last flare-up.
      </Text>

      <FurtherReading url={reading?.loadCapacityUrl} title={READING_TITLES.loadCapacityUrl} />
      <RedFlagReminder care={care} />
      <Text style={s.paragraph}>Next time: three supported positions that may help calm a flare-up.</Text>
      <GuideReminder guideUrl={guideUrl} />
    </Layout>
  );
}

Triggers.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
  reading: { loadCapacityUrl: "https://clinic.example/load-vs-capacity" },
} satisfies BaseEmailProps;
