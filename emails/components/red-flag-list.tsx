import { Section, Text } from "@react-email/components";
import * as s from "./styles.js";

/** From the article's "When To Seek Medical Evaluation". Each of these points to a clinician. */
export const RED_FLAGS = [
  "Leg weakness that keeps getting worse",
  "Numbness in the groin or saddle area (the parts that would touch a bike saddle)",
  "Loss of bladder or bowel control, or new changes in either",
  "Severe or rapidly worsening pain or symptoms",
] as const;

export function RedFlagList() {
  return (
    <ul style={s.list}>
      {RED_FLAGS.map((flag) => (
        <li key={flag} style={s.listItem}>
          {flag}
        </li>
      ))}
    </ul>
  );
}

/** One calm sentence for the welcome email, before the red-flags email arrives. */
export function SeekCareNow() {
  return (
    <Section style={s.careBox}>
      <Text style={{ ...s.paragraph, margin: 0 }}>
        <strong>When to seek care now:</strong> if you notice leg weakness that keeps getting worse,
        numbness in the groin or saddle area, changes in bladder or bowel control, or severe or
        rapidly worsening pain, please don't wait for our emails. Contact a clinician or seek
        urgent care.
      </Text>
    </Section>
  );
}
