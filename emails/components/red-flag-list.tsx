import { Heading, Section, Text } from "@react-email/components";
import type { CareContacts } from "../props.js";
import {
  DEFAULT_CARE,
  EMERGENCY_HEADING,
  EMERGENCY_SIGNS,
  emergencyAction,
  REMINDER_TITLE,
  reminderEmergency,
  reminderSameDay,
  SAME_DAY_HEADING,
  SAME_DAY_SIGNS,
  sameDayAction,
} from "./red-flags-wording.js";
import * as s from "./styles.js";

type CareProps = { care?: CareContacts | undefined };

/**
 * The compact reminder in every email of the sequence (issue 15: the hands-on emails are the
 * ones a reader acts on, so the red flags cannot wait for the last one). Same words everywhere.
 */
export function RedFlagReminder({ care = DEFAULT_CARE }: CareProps) {
  return (
    <Section style={s.careBox} className={s.cls.care}>
      <Text style={{ ...s.paragraph, margin: 0 }}>
        <strong>{REMINDER_TITLE}</strong> {reminderEmergency(care)} {reminderSameDay(care)}
      </Text>
    </Section>
  );
}

/** The emergency signs in full, in a box of their own look (red rule): first in the worse path. */
export function EmergencySigns({ care = DEFAULT_CARE }: CareProps) {
  return (
    <Section style={s.emergencyBox} className={s.cls.emergency}>
      <Heading as="h2" style={{ ...s.subheading, margin: "0 0 8px" }}>
        {EMERGENCY_HEADING}
      </Heading>
      <ul style={s.list}>
        {EMERGENCY_SIGNS.map((sign) => (
          <li key={sign} style={s.listItem}>
            {sign}
          </li>
        ))}
      </ul>
      <Text style={{ ...s.paragraph, margin: 0 }}>
        <strong>{emergencyAction(care)}</strong>
      </Text>
    </Section>
  );
}

/** The same-day signs, and how to reach that care (the clinic's phone and hours, urgent care). */
export function SameDaySigns({ care = DEFAULT_CARE }: CareProps) {
  return (
    <Section style={s.careBox} className={s.cls.care}>
      <Heading as="h2" style={{ ...s.subheading, margin: "0 0 8px" }}>
        {SAME_DAY_HEADING}
      </Heading>
      <ul style={s.list}>
        {SAME_DAY_SIGNS.map((sign) => (
          <li key={sign} style={s.listItem}>
            {sign}
          </li>
        ))}
      </ul>
      <Text style={{ ...s.paragraph, margin: 0 }}>
        <strong>{sameDayAction(care)}</strong>
      </Text>
    </Section>
  );
}

/** The full, graded list: what needs emergency care now, what a clinician the same day. */
export function RedFlagGroups({ care = DEFAULT_CARE }: CareProps) {
  return (
    <>
      <EmergencySigns care={care} />
      <SameDaySigns care={care} />
    </>
  );
}
