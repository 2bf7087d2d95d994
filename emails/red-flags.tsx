import { Heading, Text } from "@react-email/components";
import { GuideReminder } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import { BookAssessment } from "./components/next-steps.js";
import { RedFlagGroups } from "./components/red-flag-list.js";
import { NUMBNESS_CONTRAST, WHY_THEY_MATTER } from "./components/red-flags-wording.js";
import * as s from "./components/styles.js";
import type { BaseEmailProps } from "./props.js";

const title = "When to get sciatica checked by a clinician";

export const previewText =
  "Which signs need emergency care now, which need a clinician the same day, and why they matter.";

/** No name in the subject (see components/personalize.ts): the greeting inside uses it. */
export function subject(): string {
  return title;
}

export default function RedFlags({ firstName, guideUrl, unsubscribeUrl, postalAddress, clinicName, bookingUrl, care }: BaseEmailProps) {
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
        So far we've looked at ways that may help calm a flare-up. It's just as useful to know when
        symptoms need a professional's attention, and how quickly.
      </Text>
      <RedFlagGroups care={care} />
      <Heading as="h2" style={s.subheading}>
        Why they matter
      </Heading>
      <Text style={s.paragraph}>{WHY_THEY_MATTER}</Text>
      <Text style={s.paragraph}>{NUMBNESS_CONTRAST}</Text>
      <Text style={s.paragraph}>
        Noticing one of these doesn't mean you have to work out what's behind it yourself. Sciatica
        is a pattern of symptoms, not a diagnosis on its own, and a clinician can assess what's
        going on. The same applies if your symptoms simply aren't settling.
      </Text>
      <BookAssessment bookingUrl={bookingUrl} clinicName={clinicName} />
      <Text style={s.paragraph}>Thank you for reading along with the Flare-Up Reset series.</Text>
      <GuideReminder guideUrl={guideUrl} />
    </Layout>
  );
}

RedFlags.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
  bookingUrl: "https://clinic.example/book",
} satisfies BaseEmailProps;
