import type { ReactNode } from "react";
import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import type { CareContacts } from "../props.js";
import { displayFirstName } from "./personalize.js";
import { DEFAULT_CARE } from "./red-flags-wording.js";
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
  /** The clinic's emergency number and hours, for the reply note; DEFAULT_CARE when left out. */
  care?: CareContacts | undefined;
  children: ReactNode;
}

export const AFFILIATE_DISCLOSURE =
  "Affiliate disclosure: some links in this email are affiliate links. If you buy through them, the clinic may earn a commission, at no extra cost to you.";

export const MEDICAL_DISCLAIMER =
  "This email is for education only and is not medical advice. Please see a qualified clinician for diagnosis and treatment.";

/**
 * "Just reply" invites a reader to write, so it must say who reads it and when, and that a reply
 * is the wrong place for an urgent symptom (issue 27, item 4): a reply sent on a Friday night
 * about a numb saddle area would wait until Monday. Production requires EMAIL_REPLY_TO, so a
 * reply does reach a person.
 */
export function replyNote(care: CareContacts = DEFAULT_CARE): string {
  const when = care.clinicHours === undefined ? "on working days" : `during clinic hours (${care.clinicHours})`;
  return (
    `Have a question about the guide? Just reply to this email: a person on our team reads replies ${when}. ` +
    `This inbox is not watched for urgent symptoms: for those, don't wait for a reply — call ${care.emergencyNumber} or seek same-day care.`
  );
}

export function Layout({
  preview,
  heading,
  firstName,
  clinicName,
  postalAddress,
  unsubscribeUrl,
  hasAffiliateLinks = false,
  care = DEFAULT_CARE,
  children,
}: LayoutProps) {
  return (
    <Html lang="en">
      <Head>
        {/* Declaring both schemes tells Apple Mail and others not to invert the colours blindly:
            they apply the dark palette below instead (tests/browser/emails.e2e.test.ts checks
            its contrast). */}
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
        <style>{s.darkModeCss}</style>
      </Head>
      <Body style={s.body} className={s.cls.page}>
        {/* <Preview> goes first INSIDE <Body>. Between </head> and <body> it is a div outside the
            body: invalid HTML that strict clients drop, leaving an empty email (documenso#3004,
            react-email#2698). React 19 also hoists it into <body> anyway. A unit test guards this. */}
        <Preview>{preview}</Preview>
        <Container style={s.container} className={s.cls.card}>
          <Text style={s.brand} className={`${s.cls.brand} ${s.cls.small}`}>
            {clinicName}
          </Text>
          <Heading as="h1" style={s.heading}>
            {heading}
          </Heading>
          <Greeting firstName={firstName} />
          <Text style={s.lede} className={s.cls.muted}>
            {preview}
          </Text>
          {children}
          <SignOff clinicName={clinicName} care={care} />
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

function SignOff({ clinicName, care }: { clinicName: string; care: CareContacts }) {
  return (
    <Section>
      <Text style={s.paragraph}>{replyNote(care)}</Text>
      <Text style={s.paragraph}>
        Warmly,
        <br />
        The team at {clinicName}
      </Text>
    </Section>
  );
}

/**
 * The name is said once here ("you asked X"); the address line is the address alone, since a
 * clinic's POSTAL_ADDRESS usually starts with its name already.
 */
function Footer({
  clinicName,
  postalAddress,
  unsubscribeUrl,
  hasAffiliateLinks,
}: Pick<LayoutProps, "clinicName" | "postalAddress" | "unsubscribeUrl" | "hasAffiliateLinks">) {
  return (
    <Section>
      <Hr style={s.hr} />
      <Small>{MEDICAL_DISCLAIMER}</Small>
      {hasAffiliateLinks ? <Small>{AFFILIATE_DISCLOSURE}</Small> : null}
      <Small>You are receiving this because you asked {clinicName} for the Flare-Up Reset Guide.</Small>
      <Small>{postalAddress}</Small>
      <Small>
        {/* The same URL as the List-Unsubscribe header (RFC 8058): one click, no login. */}
        <Link href={unsubscribeUrl} style={s.link}>
          Unsubscribe
        </Link>
      </Small>
    </Section>
  );
}

function Small({ children }: { children: ReactNode }) {
  return (
    <Text style={s.small} className={s.cls.small}>
      {children}
    </Text>
  );
}
