import { Text } from "@react-email/components";
import { GuideButton } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import * as s from "./components/styles.js";
import type { FreshLinkEmailProps } from "./props.js";
import { describeDays } from "./components/describe-days.js";

const title = "Your fresh link to the Flare-Up Reset Guide";

export const previewText = "Here is a new personal link to download your free Flare-Up Reset Guide.";

/** No name in the subject (see components/personalize.ts): the greeting inside uses it. */
export function subject(): string {
  return title;
}


/**
 * Sent when a reader followed an expired guide link and asked for a new one (at most one an
 * hour per reader). Not a step of the sequence: only the link, and what to do if it wasn't them.
 */
export default function FreshLink({ firstName, guideUrl, validDays, unsubscribeUrl, postalAddress, clinicName, care }: FreshLinkEmailProps) {
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
        {`You asked for a new link to the Flare-Up Reset Guide from ${clinicName}. Here it is: it works for ` +
          `${describeDays(validDays)}, and you are welcome to save the PDF and keep it.`}
      </Text>
      <GuideButton url={guideUrl} label="Download your guide" fallback="download the guide (PDF)" />
      <Text style={s.paragraph}>
        If you did not ask for this, you can ignore this email: nothing else will follow from it.
      </Text>
    </Layout>
  );
}

FreshLink.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  validDays: 30,
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
} satisfies FreshLinkEmailProps;
