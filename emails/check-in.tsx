import { Text, Link } from "@react-email/components";
import { Layout } from "./components/layout.js";
import * as s from "./components/styles.js";
import type { CheckInEmailProps } from "./props.js";

// A stand-in until the clinic's wording lands (issue 27): the engine needs the step to exist.
const title = "How is your sciatica now?";

export const previewText = "Compared with when you got the guide: better, about the same, or worse?";

export function subject(): string {
  return title;
}

export default function CheckIn({ firstName, unsubscribeUrl, postalAddress, clinicName, answers }: CheckInEmailProps) {
  return (
    <Layout
      preview={previewText}
      heading={title}
      firstName={firstName}
      clinicName={clinicName}
      postalAddress={postalAddress}
      unsubscribeUrl={unsubscribeUrl}
    >
      <Text style={s.paragraph}>How is it now, compared with when you got the guide?</Text>
      <Text style={s.paragraph}>
        <Link href={answers.betterUrl} style={s.link}>Better</Link> ·{" "}
        <Link href={answers.sameUrl} style={s.link}>About the same</Link> ·{" "}
        <Link href={answers.worseUrl} style={s.link}>Worse</Link>
      </Text>
    </Layout>
  );
}

CheckIn.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
  answers: { betterUrl: "http://localhost:3000/check-in/b", sameUrl: "http://localhost:3000/check-in/s", worseUrl: "http://localhost:3000/check-in/w" },
} satisfies CheckInEmailProps;
