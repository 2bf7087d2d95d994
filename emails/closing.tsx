import { Text } from "@react-email/components";
import { Layout } from "./components/layout.js";
import * as s from "./components/styles.js";
import type { BaseEmailProps } from "./props.js";

// A stand-in until the clinic's wording lands (issue 27): the engine needs the step to exist.
const title = "The Flare-Up Reset series, in one place";

export const previewText = "A recap of the series.";

export function subject(): string {
  return title;
}

export default function Closing({ firstName, unsubscribeUrl, postalAddress, clinicName }: BaseEmailProps) {
  return (
    <Layout
      preview={previewText}
      heading={title}
      firstName={firstName}
      clinicName={clinicName}
      postalAddress={postalAddress}
      unsubscribeUrl={unsubscribeUrl}
    >
      <Text style={s.paragraph}>A recap of the Flare-Up Reset series.</Text>
    </Layout>
  );
}

Closing.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
} satisfies BaseEmailProps;
