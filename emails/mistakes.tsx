import { Heading, Link, Text } from "@react-email/components";
import { GuideReminder } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import { BookAssessment } from "./components/next-steps.js";
import { RedFlagReminder } from "./components/red-flag-list.js";
import * as s from "./components/styles.js";
import type { EmailLink, MistakesEmailProps } from "./props.js";

const title = "The common mistake during a sciatica flare";

export const previewText =
  "Why stretching hard early in a flare can, in some cases, increase nerve irritation, and gentler options that may help.";

/** No name in the subject (see components/personalize.ts): the greeting inside uses it. */
export function subject(): string {
  return title;
}

const gentler = [
  "Supported positions, like the three from the last email",
  "Gentle movement within what feels comfortable",
  "Short walks rather than long ones",
  "Easing the load: breaking up long sitting, protecting your sleep where you can",
] as const;

export default function Mistakes({
  firstName,
  guideUrl,
  unsubscribeUrl,
  postalAddress,
  clinicName,
  bookingUrl,
  toolLinks,
  care,
}: MistakesEmailProps) {
  const tools = toolLinks.filter((link) => link.kind === "tools");
  const supplements = toolLinks.filter((link) => link.kind === "supplements");
  return (
    <Layout
      preview={previewText}
      heading={title}
      firstName={firstName}
      clinicName={clinicName}
      postalAddress={postalAddress}
      unsubscribeUrl={unsubscribeUrl}
      care={care}
      hasAffiliateLinks={toolLinks.some((link) => link.affiliate === true)}
    >
      <Text style={s.paragraph}>
        When a flare-up starts, it's natural to want to stretch hard to loosen things up. But
        aggressive stretching right after symptoms start can, in some cases, increase nerve
        irritation.
      </Text>

      <Heading as="h2" style={s.subheading}>
        Gentler often works better early on
      </Heading>
      <ul style={s.list}>
        {gentler.map((item) => (
          <li key={item} style={s.listItem}>
            {item}
          </li>
        ))}
      </ul>

      <Heading as="h2" style={s.subheading}>
        Supportive tools
      </Heading>
      <Text style={s.paragraph}>
        Some people find temporary relief with supportive tools such as foam rollers, massage balls
        for the glute muscles, lumbar support cushions or CBD topical creams. These may
        help reduce discomfort for a while, and they work best combined with education and gradual
        movement.
      </Text>
      <ProductLinks intro="If you're exploring supportive recovery tools, you can browse:" links={tools} />

      {supplements.length > 0 ? (
        <>
          <Heading as="h2" style={s.subheading}>
            Supplement support
          </Heading>
          {/* "Ask your clinician" first (issue 27, item 5): a supplement is a question for the
              person who knows the reader's medication and history, not a recommendation here. */}
          <Text style={s.paragraph}>
            Some people ask about supplements to support recovery and muscle relaxation. Whether one
            suits you is a good question for your clinician or pharmacist, especially if you take
            medication or have a health condition.
          </Text>
          <ProductLinks intro="If you're considering a supplement, you can browse:" links={supplements} />
        </>
      ) : null}

      {/* Booking before the reminder, never directly under the emergency signs (issue 27, item 2). */}
      <BookAssessment bookingUrl={bookingUrl} clinicName={clinicName} />
      <RedFlagReminder care={care} />
      <Text style={s.paragraph}>Next time: the signs that mean it's time to see a clinician.</Text>
      <GuideReminder guideUrl={guideUrl} />
    </Layout>
  );
}

/**
 * One block per kind of link, worded for the links that exist: without TOOLS_URL the supplement
 * link must not read as if the tools were at the supplement shop (issue 15).
 */
function ProductLinks({ intro, links }: { intro: string; links: readonly EmailLink[] }) {
  if (links.length === 0) return null;
  return (
    <>
      <Text style={s.paragraph}>{intro}</Text>
      <ul style={s.list}>
        {links.map((link, index) => (
          <li key={`${index}:${link.url}`} style={s.listItem}>
            <Link href={link.url} style={s.link}>
              {link.label}
            </Link>
            {link.affiliate === true ? " (affiliate link)" : null}
          </li>
        ))}
      </ul>
    </>
  );
}

Mistakes.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
  bookingUrl: "https://clinic.example/book",
  toolLinks: [
    { kind: "tools", label: "Clinician-curated recovery tools", url: "http://localhost:3000/tools" },
    { kind: "supplements", label: "Thorne supplements", url: "https://www.thorne.com/u/PR2106491", affiliate: true },
  ],
} satisfies MistakesEmailProps;
