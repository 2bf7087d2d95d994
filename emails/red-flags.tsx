import { Text } from "@react-email/components";
import { GuideReminder } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import { personalSubject } from "./components/personalize.js";
import { RedFlagList } from "./components/red-flag-list.js";
import * as s from "./components/styles.js";
import type { BaseEmailProps } from "./props.js";

const title = "When to get sciatica checked by a clinician";

export const previewText =
  "Four signs that mean it's time to contact a healthcare professional promptly, and why they matter.";

export function subject(props: BaseEmailProps): string {
  return personalSubject(props.firstName, title);
}

export default function RedFlags({ firstName, guideUrl, unsubscribeUrl, postalAddress, clinicName }: BaseEmailProps) {
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
        So far we've looked at ways that may help calm a flare-up. It's just as useful to know when
        symptoms need a professional's attention. Contact a healthcare professional promptly if you
        notice:
      </Text>
      <RedFlagList />
      <Text style={s.paragraph}>
        These may need prompt medical evaluation. If they come on suddenly, or you can't reach your
        clinician, seek urgent care.
      </Text>
      <Text style={s.paragraph}>
        Noticing one of these doesn't mean you have to work out what's behind it yourself. Sciatica
        is a pattern of symptoms, not a diagnosis on its own, and a clinician can assess what's
        going on. The same applies if your symptoms simply aren't settling.
      </Text>
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
} satisfies BaseEmailProps;
