import { Button, Section, Text } from "@react-email/components";
import { GuideReminder } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import { RedFlagReminder } from "./components/red-flag-list.js";
import * as s from "./components/styles.js";
import type { CheckInEmailProps } from "./props.js";

const title = "How is it now, compared with when you got the guide?";

export const previewText =
  "One tap is enough: better, about the same, or worse. The last email of the series follows your answer.";

/** No name in the subject (see components/personalize.ts): the greeting inside uses it. */
export function subject(): string {
  return title;
}

/** The three answers, in the words the pages and the stats use (src/campaign/links.ts CHECK_IN_ANSWERS). */
export const ANSWER_LABELS = { betterUrl: "Better", sameUrl: "About the same", worseUrl: "Worse" } as const;

/**
 * The check-in (three days after the red flags). Each answer is a first-party page that records
 * it by the page's own POST, so a mail scanner fetching every link answers nothing (DESIGN.md,
 * "The check-in, branches and goals"). One button per line: three side by side do not fit a
 * 320 px phone, and a stacked tap target is hard to miss.
 */
export default function CheckIn({
  firstName,
  guideUrl,
  unsubscribeUrl,
  postalAddress,
  clinicName,
  care,
  answers,
}: CheckInEmailProps) {
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
        It's been a little while since you got the Flare-Up Reset Guide, and we'd like to know how
        things are going. Compared with when you got the guide, is your sciatica better, about the
        same, or worse?
      </Text>
      <Text style={s.paragraph}>
        Choose the answer that fits best. The last email of this series then follows your answer,
        so it's about where you are now.
      </Text>

      {(Object.keys(ANSWER_LABELS) as (keyof typeof ANSWER_LABELS)[]).map((key) => (
        <Section key={key} style={{ margin: "0 0 12px" }}>
          <Button href={answers[key]} style={{ ...s.button, minWidth: "160px" }} className={s.cls.button}>
            {ANSWER_LABELS[key]}
          </Button>
        </Section>
      ))}

      <Text style={{ ...s.paragraph, marginTop: "8px" }}>
        There's no wrong answer, and a flare-up rarely follows a straight line. If it's worse, the
        page you land on shows the signs that need care now first.
      </Text>
      <RedFlagReminder care={care} />
      <GuideReminder guideUrl={guideUrl} />
    </Layout>
  );
}

CheckIn.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
  care: { emergencyNumber: "911", clinicPhone: "(555) 010-0199", clinicHours: "Mon–Fri 8am–6pm" },
  answers: {
    betterUrl: "http://localhost:3000/check-in/preview-better",
    sameUrl: "http://localhost:3000/check-in/preview-same",
    worseUrl: "http://localhost:3000/check-in/preview-worse",
  },
} satisfies CheckInEmailProps;
