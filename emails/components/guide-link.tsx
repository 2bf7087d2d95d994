import { Button, Link, Section, Text } from "@react-email/components";
import * as s from "./styles.js";

/**
 * The main call to action: a button, and a text link for clients that break buttons.
 *
 * The fallback shows link text, never the raw URL: a personal link is one unbreakable word of
 * about 110 characters, and one such word widened every email past a 375 px phone screen (issue
 * 15). The plain-text part still carries the full URL (html-to-text writes "text URL").
 */
export function GuideButton({ url, label, fallback }: { url: string; label: string; fallback: string }) {
  return (
    <Section style={{ margin: "8px 0 20px" }}>
      <Button href={url} style={s.button} className={s.cls.button}>
        {label}
      </Button>
      <Text style={{ ...s.small, marginTop: "12px" }} className={s.cls.small}>
        If the button does not work, use this link instead:{" "}
        <Link href={url} style={s.link}>
          {fallback}
        </Link>
      </Text>
    </Section>
  );
}

/**
 * A quieter line for the sequence emails: the guide stays one tap away. No full stop after the
 * link: in the plain-text part it would touch the URL, whose token may itself contain dots.
 */
export function GuideReminder({ guideUrl }: { guideUrl: string }) {
  return (
    <Text style={s.paragraph}>
      Your Flare-Up Reset Guide is always one tap away:{" "}
      <Link href={guideUrl} style={s.link}>
        open your guide
      </Link>
    </Text>
  );
}
