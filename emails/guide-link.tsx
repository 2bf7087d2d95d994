import { Text } from "@react-email/components";
import { GuideButton } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import * as s from "./components/styles.js";
import type { GuideLinkEmailProps } from "./props.js";

const title = "Your fresh link to the Flare-Up Reset Guide";

export const previewText = "Here is a new personal link to download your free Flare-Up Reset Guide.";

/** No name in the subject (see components/personalize.ts): the greeting inside uses it. */
export function subject(): string {
  return title;
}

/** "30 days", "1 day", "12 hours": GUIDE_LINK_TTL_DAYS may be fractional in demos. */
function describeValidity(days: number): string {
  if (days >= 1) {
    const whole = Math.floor(days);
    return `${whole} ${whole === 1 ? "day" : "days"}`;
  }
  const hours = Math.max(1, Math.floor(days * 24));
  return `${hours} ${hours === 1 ? "hour" : "hours"}`;
}

/**
 * Sent when a reader followed an expired guide link and asked for a new one (at most one an
 * hour per reader). Not a step of the sequence: only the link, and what to do if it wasn't them.
 */
export default function GuideLink({ firstName, guideUrl, validDays, unsubscribeUrl, postalAddress, clinicName }: GuideLinkEmailProps) {
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
        {`You asked for a new link to the Flare-Up Reset Guide from ${clinicName}. Here it is: it works for ` +
          `${describeValidity(validDays)}, and you are welcome to save the PDF and keep it.`}
      </Text>
      <GuideButton url={guideUrl} label="Download your guide" fallback="download the guide (PDF)" />
      <Text style={s.paragraph}>
        If you did not ask for this, you can ignore this email: nothing else will follow from it.
      </Text>
    </Layout>
  );
}

GuideLink.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  validDays: 30,
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
} satisfies GuideLinkEmailProps;
