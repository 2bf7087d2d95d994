import { Text } from "@react-email/components";
import { GuideButton } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import * as s from "./components/styles.js";
import type { ConfirmEmailProps } from "./props.js";
import { describeDays } from "./components/describe-days.js";

const title = "Please confirm your email for the Flare-Up Reset Guide";

export const previewText = "One click to confirm, and your free Flare-Up Reset Guide is on its way.";

/** No name in the subject (see components/personalize.ts): the greeting inside uses it. */
export function subject(): string {
  return title;
}


/**
 * Double opt-in (DOUBLE_OPT_IN=true): the only email an address gets before its owner clicks.
 * It says plainly what happens if they did not ask: nothing, and the request is deleted.
 */
export default function Confirm({ firstName, confirmUrl, validDays, unsubscribeUrl, postalAddress, clinicName, care }: ConfirmEmailProps) {
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
        Someone — hopefully you — asked {clinicName} for the free Flare-Up Reset Guide at this address. Please
        confirm that it was you, and we will send the guide straight away, followed by a short series of
        educational emails about sciatica flare-ups. One of them also suggests supportive tools and supplements
        you can browse if you wish, with links the clinic may earn a commission from.
      </Text>
      <GuideButton url={confirmUrl} label="Yes, send me the guide" fallback="confirm my email address" />
      <Text style={s.paragraph}>
        This link works for {describeDays(validDays)}. If you did not ask for the guide, you can ignore this email:
        without a click we will not email you again, and the request is deleted.
      </Text>
    </Layout>
  );
}

Confirm.PreviewProps = {
  firstName: "Ana",
  confirmUrl: "http://localhost:3000/confirm/preview-token",
  validDays: 7,
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
} satisfies ConfirmEmailProps;
