import { Heading, Text } from "@react-email/components";
import { GuideButton } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import { personalSubject } from "./components/personalize.js";
import { SeekCareNow } from "./components/red-flag-list.js";
import * as s from "./components/styles.js";
import type { BaseEmailProps } from "./props.js";

const title = "Your Flare-Up Reset Guide is here";

export const previewText =
  "Simple strategies that may help calm a sciatica flare-up and help you return to movement with more confidence.";

export function subject(props: BaseEmailProps): string {
  return personalSubject(props.firstName, title);
}

const comingUp = [
  ["Triggers", "what often sets off a flare-up, and why stressors add up."],
  ["Positions", "three supported positions that may help calm symptoms."],
  ["The common mistake", "why stretching hard early in a flare can backfire."],
  ["Red flags", "the signs that mean it's time to see a clinician."],
] as const;

export default function Welcome({ firstName, guideUrl, unsubscribeUrl, postalAddress, clinicName }: BaseEmailProps) {
  return (
    <Layout
      preview={previewText}
      heading={title}
      firstName={firstName}
      clinicName={clinicName}
      postalAddress={postalAddress}
      unsubscribeUrl={unsubscribeUrl}
    >
      <Text style={s.paragraph}>
        Thanks for asking for the Flare-Up Reset Guide. It's a short, practical guide from {clinicName}:
        why flare-ups happen, supported positions that may help calm symptoms, and how to ease back
        into movement.
      </Text>
      <GuideButton guideUrl={guideUrl} label="Download your guide" />

      <Heading as="h2" style={s.subheading}>
        What's coming over the next week or so
      </Heading>
      <ul style={s.list}>
        {comingUp.map(([name, line]) => (
          <li key={name} style={s.listItem}>
            <strong>{name}:</strong> {line}
          </li>
        ))}
      </ul>

      <SeekCareNow />
    </Layout>
  );
}

Welcome.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
} satisfies BaseEmailProps;
