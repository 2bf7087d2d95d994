import { Heading, Text } from "@react-email/components";
import { GuideButton } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import { FurtherReading, READING_TITLES } from "./components/next-steps.js";
import { RedFlagReminder } from "./components/red-flag-list.js";
import * as s from "./components/styles.js";
import type { EmailLink, WelcomeEmailProps } from "./props.js";

const title = "Your Flare-Up Reset Guide is here";

export const previewText =
  "Simple strategies that may help calm a sciatica flare-up and help you return to movement with more confidence.";

/** No name in the subject (see components/personalize.ts): the greeting inside uses it. */
export function subject(): string {
  return title;
}

/**
 * What the mistakes email will hold besides the advice, in the words the consent wording uses:
 * product links only when some are configured, "affiliate" only when one is.
 */
export function productLinksNote(toolLinks: readonly EmailLink[]): string {
  if (toolLinks.length === 0) return "";
  const what = describeProducts(toolLinks);
  return toolLinks.some((link) => link.affiliate === true)
    ? `, plus links to ${what} you can browse if you wish (some are affiliate links: the clinic may earn a commission)`
    : `, plus links to ${what} you can browse if you wish`;
}

function describeProducts(toolLinks: readonly EmailLink[]): string {
  const tools = toolLinks.some((link) => link.kind === "tools");
  const supplements = toolLinks.some((link) => link.kind === "supplements");
  return tools && supplements ? "supportive tools and supplements" : tools ? "supportive tools" : "supplements";
}

export default function Welcome({
  firstName,
  guideUrl,
  unsubscribeUrl,
  postalAddress,
  clinicName,
  reading,
  toolLinks = [],
  care,
}: WelcomeEmailProps) {
  const comingUp = [
    ["Triggers", "what often sets off a flare-up, and why stressors add up."],
    ["Positions", "three supported positions that may help calm symptoms."],
    [
      "The common mistake",
      `why stretching hard early in a flare can, in some cases, increase nerve irritation${productLinksNote(toolLinks)}.`,
    ],
    ["Red flags", "which signs need emergency care, which need a clinician the same day, and why."],
    ["A check-in", "one quick question about how you're doing, so the last email fits where you are."],
  ] as const;
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
        Thanks for asking for the Flare-Up Reset Guide. It's a short, practical guide from {clinicName}:
        why flare-ups happen, supported positions that may help calm symptoms, and how to ease back
        into movement.
      </Text>
      <GuideButton url={guideUrl} label="Download your guide" fallback="download the guide (PDF)" />

      <RedFlagReminder care={care} />

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

      <FurtherReading url={reading?.starterGuideUrl} title={READING_TITLES.starterGuideUrl} />
    </Layout>
  );
}

Welcome.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
  reading: { starterGuideUrl: "https://clinic.example/sciatica-starter-guide" },
  toolLinks: [
    { kind: "tools", label: "Clinician-curated recovery tools", url: "http://localhost:3000/tools" },
    { kind: "supplements", label: "Thorne supplements", url: "https://www.thorne.com/u/PR2106491", affiliate: true },
  ],
} satisfies WelcomeEmailProps;
