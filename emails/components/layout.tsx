import type { ReactNode } from "react";
import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import { displayFirstName } from "./personalize.js";
import * as s from "./styles.js";

export interface LayoutProps {
  /** The inbox preview line. Also shown as the opening line, so the plain-text part carries it too. */
  preview: string;
  heading: string;
  firstName?: string | null | undefined;
  clinicName: string;
  postalAddress: string;
  unsubscribeUrl: string;
  /** True when any link in the email earns the clinic money: the footer then says so plainly. */
  hasAffiliateLinks?: boolean | undefined;
  children: ReactNode;
}

export const AFFILIATE_DISCLOSURE =
  "Affiliate disclosure: some links in this email are affiliate links. If you buy through them, the clinic may earn a commission, at no extra cost to you.";

export const MEDICAL_DISCLAIMER =
  "This email is for education only and is not medical advice. Please see a qualified clinician for diagnosis and treatment.";

export function Layout({
  preview,
  heading,
  firstName,
  clinicName,
  postalAddress,
  unsubscribeUrl,
  hasAffiliateLinks = false,
  children,
}: LayoutProps) {
  return (
    <Html lang="en">
      <Head />
      <Body style={s.body}>
        {/* <Preview> goes first INSIDE <Body>. Between </head> and <body> it is a div outside the
            body: invalid HTML that strict clients drop, leaving an empty email (documenso#3004,
            react-email#2698). React 19 also hoists it into <body> anyway. A unit test guards this. */}
        <Preview>{preview}</Preview>
        <Container style={s.container}>
          <Text style={s.brand}>{clinicName}</Text>
          <Heading as="h1" style={s.heading}>
            {heading}
          </Heading>
          <Greeting firstName={firstName} />
          <Text style={s.lede}>{preview}</Text>
          {children}
          <SignOff clinicName={clinicName} />
          <Footer
            clinicName={clinicName}
            postalAddress={postalAddress}
            unsubscribeUrl={unsubscribeUrl}
            hasAffiliateLinks={hasAffiliateLinks}
          />
        </Container>
      </Body>
    </Html>
  );
}

function Greeting({ firstName }: { firstName?: string | null | undefined }) {
  const name = displayFirstName(firstName);
  return <Text style={s.paragraph}>{name === null ? "Hi there," : `Hi ${name},`}</Text>;
}

function SignOff({ clinicName }: { clinicName: string }) {
  return (
    <Section>
      <Text style={s.paragraph}>Have a question about the guide? Just reply to this email.</Text>
      <Text style={s.paragraph}>
        Warmly,
        <br />
        The team at {clinicName}
      </Text>
    </Section>
  );
}

function Footer({
  clinicName,
  postalAddress,
  unsubscribeUrl,
  hasAffiliateLinks,
}: Pick<LayoutProps, "clinicName" | "postalAddress" | "unsubscribeUrl" | "hasAffiliateLinks">) {
  return (
    <Section>
      <Hr style={s.hr} />
      <Text style={s.small}>{MEDICAL_DISCLAIMER}</Text>
      {hasAffiliateLinks ? <Text style={s.small}>{AFFILIATE_DISCLOSURE}</Text> : null}
      <Text style={s.small}>
        You are receiving this because you asked {clinicName} for the Flare-Up Reset Guide.
      </Text>
      <Text style={s.small}>
        {clinicName} · {postalAddress}
      </Text>
      <Text style={s.small}>
        {/* The same URL as the List-Unsubscribe header (RFC 8058): one click, no login. */}
        <Link href={unsubscribeUrl} style={s.link}>
          Unsubscribe
        </Link>
      </Text>
    </Section>
  );
}
