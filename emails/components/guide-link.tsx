import { Button, Link, Section, Text } from "@react-email/components";
import * as s from "./styles.js";

/** The main call to action: a button, and the bare URL for clients that break buttons. */
export function GuideButton({ guideUrl, label }: { guideUrl: string; label: string }) {
  return (
    <Section style={{ margin: "8px 0 20px" }}>
      <Button href={guideUrl} style={s.button}>
        {label}
      </Button>
      <Text style={{ ...s.small, marginTop: "12px" }}>
        If the button does not work, copy this link into your browser:{" "}
        <Link href={guideUrl} style={s.link}>
          {guideUrl}
        </Link>
      </Text>
    </Section>
  );
}

/** A quieter line for the sequence emails: the guide stays one tap away. */
export function GuideReminder({ guideUrl }: { guideUrl: string }) {
  return (
    <Text style={s.paragraph}>
      Your Flare-Up Reset Guide is always here:{" "}
      <Link href={guideUrl} style={s.link}>
        {guideUrl}
      </Link>
    </Text>
  );
}
