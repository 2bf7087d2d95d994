import { Text } from "@react-email/components";
import { Layout } from "./components/layout.js";
import * as s from "./components/styles.js";
import type { BaseEmailProps } from "./props.js";

// A stand-in until the clinic's wording lands (issue 27): the engine needs the step to exist.
const title = "When a flare-up is taking its time";

export const previewText = "Bringing movement back gradually, and when to book.";

export function subject(): string {
  return title;
}

export default function CheckInSame({ firstName, unsubscribeUrl, postalAddress, clinicName }: BaseEmailProps) {
  return (
    <Layout
      preview={previewText}
      heading={title}
      firstName={firstName}
      clinicName={clinicName}
      postalAddress={postalAddress}
      unsubscribeUrl={unsubscribeUrl}
    >
      <Text style={s.paragraph}>Thank you for telling us how it is going.</Text>
    </Layout>
  );
}

CheckInSame.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
} satisfies BaseEmailProps;
