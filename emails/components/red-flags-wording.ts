import type { CareContacts } from "../props.js";

/**
 * The red-flag wording, one source for the emails, the guide and the pages, so the urgency reads
 * the same everywhere. From the article's "When To Seek Medical Evaluation", graded as a
 * clinician would and completed by the clinic's lead clinician (issue 27, item 1): the emergency
 * signs are those of pressure on the nerve roots at the base of the spine (cauda equina
 * syndrome), which needs emergency care at once, whatever else is going on; weakness that keeps
 * getting worse and severe, rapidly worsening symptoms need a clinician the same day.
 * Plain strings: no markup. The parts that depend on the clinic's settings (its emergency
 * number, phone and hours) are functions of CareContacts.
 */

/** When the clinic sets nothing: the US number, as the article is written for US readers. */
export const DEFAULT_CARE: CareContacts = { emergencyNumber: "911" };

/** Emergency care now, unconditionally. Short lines: a frightened reader scans, they don't read. */
export const EMERGENCY_SIGNS = [
  "Loss of bladder or bowel control, or new changes in either",
  "Difficulty starting to pass urine, or not feeling your bladder fill",
  "Numbness in the groin or saddle area (where you would sit on a bike saddle)",
  "Numbness in the genitals, or new changes in sexual function",
  "Sciatica symptoms in both legs: pain, numbness or weakness",
] as const;

export const EMERGENCY_HEADING = "Emergency care now";

/** What to do about the emergency signs: the local number first, and no waiting. */
export function emergencyAction(care: CareContacts = DEFAULT_CARE): string {
  return `Don't wait for an appointment: call ${care.emergencyNumber} or go to the nearest emergency department now.`;
}

/** A clinician the same day. */
export const SAME_DAY_SIGNS = [
  "Leg weakness that keeps getting worse",
  "Severe or rapidly worsening pain or symptoms",
] as const;

export const SAME_DAY_HEADING = "A clinician the same day";

/**
 * How to reach same-day care (item 3): "contact a clinician" alone leaves a reader in pain to work
 * out who, and how. The clinic's phone and hours when set; urgent care when it is closed.
 */
export function sameDayAction(care: CareContacts = DEFAULT_CARE): string {
  if (care.clinicPhone === undefined) {
    return "Contact a clinician the same day: call your clinician or your doctor's office, and if they are closed, go to an urgent care center.";
  }
  const hours = care.clinicHours === undefined ? "" : ` (${care.clinicHours})`;
  return `Contact a clinician the same day: call us on ${care.clinicPhone}${hours}. Out of hours, go to an urgent care center.`;
}

/** The compact reminder every email of the sequence carries, word for word. */
export const REMINDER_TITLE = "When to seek care now.";

/** Keeps "or new changes in either" and "don't wait" (item 1): the two phrases people act on. */
export function reminderEmergency(care: CareContacts = DEFAULT_CARE): string {
  return (
    "Loss of bladder or bowel control, or new changes in either; difficulty passing urine; numbness in the groin, " +
    `saddle area or genitals; or symptoms in both legs: call ${care.emergencyNumber} or go to an emergency department now, don't wait.`
  );
}

export function reminderSameDay(care: CareContacts = DEFAULT_CARE): string {
  const how =
    care.clinicPhone === undefined
      ? "call your clinician, or go to urgent care out of hours"
      : `call us on ${care.clinicPhone}, or go to urgent care out of hours`;
  return `Leg weakness that keeps getting worse, or severe or rapidly worsening symptoms, needs a clinician the same day: ${how}.`;
}

/** Why these signs are different from a flare-up (the red-flags email, the guide). */
export const WHY_THEY_MATTER =
  "Most flare-ups reflect an irritated, sensitive nerve. These signs are different: " +
  "they can mean that nerves are being compressed in a way that needs assessment straight away, and " +
  "sometimes urgent treatment to protect how the nerves work.";

/**
 * Stable numbness in one leg versus the red flags (the guide's symptoms, the red-flags email).
 * "One leg" on purpose (item 8): symptoms in both legs are an emergency sign.
 */
export const NUMBNESS_CONTRAST =
  "Numbness or tingling in part of one leg or foot is a common sciatica symptom; when it stays about the " +
  "same, it is something to mention to your clinician rather than an emergency. Symptoms in both legs, or " +
  "numbness in the groin, saddle area or genitals, are different: they need emergency care now, as does loss " +
  "of bladder or bowel control. Leg weakness that keeps getting worse needs a clinician the same day.";
