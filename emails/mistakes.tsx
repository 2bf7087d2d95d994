import { Heading, Link, Text } from "@react-email/components";
import { GuideReminder } from "./components/guide-link.js";
import { Layout } from "./components/layout.js";
import { personalSubject } from "./components/personalize.js";
import * as s from "./components/styles.js";
import type { EmailLink, MistakesEmailProps } from "./props.js";

const title = "The common mistake during a sciatica flare";

export const previewText =
  "Why stretching hard early in a flare can backfire, and gentler options that may help.";

export function subject(props: MistakesEmailProps): string {
  return personalSubject(props.firstName, title);
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
  toolLinks,
}: MistakesEmailProps) {
  return (
    <Layout
      preview={previewText}
      heading={title}
      firstName={firstName}
      clinicName={clinicName}
      postalAddress={postalAddress}
      unsubscribeUrl={unsubscribeUrl}
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
        for the glute muscles, lumbar support cushions or high-strength CBD topical creams. These may
        help reduce discomfort for a while, and they work best combined with education and gradual
        movement.
      </Text>
      {toolLinks.length > 0 ? <ToolLinks links={toolLinks} /> : null}

      <Text style={s.paragraph}>Next time: the signs that mean it's time to see a clinician.</Text>
      <GuideReminder guideUrl={guideUrl} />
    </Layout>
  );
}

function ToolLinks({ links }: { links: readonly EmailLink[] }) {
  return (
    <>
      <Text style={s.paragraph}>
        If you're exploring supportive recovery tools or supplements, you can browse:
      </Text>
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
      <Text style={s.paragraph}>
        If you take medication or have a health condition, check with your clinician or pharmacist
        before starting a supplement.
      </Text>
    </>
  );
}

Mistakes.PreviewProps = {
  firstName: "Ana",
  guideUrl: "http://localhost:3000/guide/preview-token",
  unsubscribeUrl: "http://localhost:3000/unsubscribe/preview-token",
  postalAddress: "123 Example Street, Springfield, ST 00000",
  clinicName: "PCS Clinic",
  toolLinks: [
    { label: "Clinician-curated recovery tools", url: "http://localhost:3000/tools" },
    { label: "Thorne supplements", url: "https://www.thorne.com/u/PR2106491", affiliate: true },
  ],
} satisfies MistakesEmailProps;
