/**
 * The red-flag wording, one source for the emails, the guide and the landing page, so the
 * urgency reads the same everywhere. From the article's "When To Seek Medical Evaluation", graded
 * as a clinician would: loss of bladder or bowel control and groin or saddle numbness can mean
 * pressure on the nerve roots at the base of the spine (cauda equina syndrome), which needs
 * emergency care at once, whatever else is going on; weakness that keeps getting worse and
 * severe, rapidly worsening symptoms need a clinician the same day. Plain strings: no markup.
 */

/** Emergency care now, unconditionally. */
export const EMERGENCY_SIGNS = [
  "Loss of bladder or bowel control, or new changes in either",
  "Numbness in the groin or saddle area (the parts that would touch a bike saddle)",
] as const;

export const EMERGENCY_ACTION =
  "Seek emergency care now: go to an emergency department or call your local emergency number. Don't wait for an appointment.";

/** A clinician the same day. */
export const SAME_DAY_SIGNS = [
  "Leg weakness that keeps getting worse",
  "Severe or rapidly worsening pain or symptoms",
] as const;

export const SAME_DAY_ACTION = "Contact a clinician the same day.";

/** The compact reminder every email of the sequence carries, word for word. */
export const REMINDER_TITLE = "When to seek care now.";
export const REMINDER_EMERGENCY =
  "Loss of bladder or bowel control, or numbness in the groin or saddle area, needs emergency care now: go to an emergency department or call your local emergency number.";
export const REMINDER_SAME_DAY =
  "Leg weakness that keeps getting worse, or severe or rapidly worsening symptoms, needs a clinician the same day.";

/** Why these signs are different from a flare-up (the red-flags email, the guide). */
export const WHY_THEY_MATTER =
  "Most flare-ups reflect an irritated, sensitive nerve. These signs are different: " +
  "they can mean that nerves are being compressed in a way that needs assessment straight away, and " +
  "sometimes urgent treatment to protect how the nerves work.";

/** Stable numbness in the leg versus the red flags (the guide's symptoms, the red-flags email). */
export const NUMBNESS_CONTRAST =
  "Numbness or tingling in part of the leg or foot is a common sciatica symptom; when it stays about the " +
  "same, it is something to mention to your clinician rather than an emergency. Numbness in the groin or " +
  "saddle area is different: it needs emergency care now, as does loss of bladder or bowel control. Leg " +
  "weakness that keeps getting worse needs a clinician the same day.";
