import { Heading, Section, Text } from "@react-email/components";
import {
  EMERGENCY_ACTION,
  EMERGENCY_SIGNS,
  REMINDER_EMERGENCY,
  REMINDER_SAME_DAY,
  REMINDER_TITLE,
  SAME_DAY_ACTION,
  SAME_DAY_SIGNS,
} from "./red-flags-wording.js";
import * as s from "./styles.js";

/**
 * The compact reminder in every email of the sequence (issue 15: the hands-on emails are the
 * ones a reader acts on, so the red flags cannot wait for the last one). Same words everywhere.
 */
export function RedFlagReminder() {
  return (
    <Section style={s.careBox} className={s.cls.care}>
      <Text style={{ ...s.paragraph, margin: 0 }}>
        <strong>{REMINDER_TITLE}</strong> {REMINDER_EMERGENCY} {REMINDER_SAME_DAY}
      </Text>
    </Section>
  );
}

/** The full, graded list for the red-flags email: what needs emergency care, what the same day. */
export function RedFlagGroups() {
  const groups = [
    { heading: "Emergency care now", signs: EMERGENCY_SIGNS, action: EMERGENCY_ACTION },
    { heading: "A clinician the same day", signs: SAME_DAY_SIGNS, action: SAME_DAY_ACTION },
  ] as const;
  return (
    <>
      {groups.map((group) => (
        <Section key={group.heading} style={s.careBox} className={s.cls.care}>
          <Heading as="h2" style={{ ...s.subheading, margin: "0 0 8px" }}>
            {group.heading}
          </Heading>
          <ul style={s.list}>
            {group.signs.map((sign) => (
              <li key={sign} style={s.listItem}>
                {sign}
              </li>
            ))}
          </ul>
          <Text style={{ ...s.paragraph, margin: 0 }}>
            <strong>{group.action}</strong>
          </Text>
        </Section>
      ))}
    </>
  );
}
