import type { CareContacts } from "../../emails/props.js";
import {
  DEFAULT_CARE,
  EMERGENCY_HEADING,
  EMERGENCY_SIGNS,
  emergencyAction,
  NUMBNESS_CONTRAST,
  SAME_DAY_HEADING,
  SAME_DAY_SIGNS,
  sameDayAction,
  WHY_THEY_MATTER,
} from "../../emails/components/red-flags-wording.js";
import { NOTES_PAGE_TITLE } from "../../emails/components/next-steps.js";

/**
 * The Flare-Up Reset Guide as data, from the clinic's article (shared/content/sciatica-flare-ups.txt)
 * in its calm, educational voice: "may help", never a promise, no diagnosis, every warning sign
 * pointing to a clinician. The PDF layout (document.tsx) only arranges these blocks; edit words here.
 */

export type GuideBlock =
  | { kind: "paragraph"; text: string }
  | { kind: "list"; intro?: string; items: readonly string[] }
  /** A boxed note from the clinicians (the article's "Clinical Insight"). */
  | { kind: "insight"; title: string; text: readonly string[] }
  /** A calming position: what it is, then a short how-to. */
  | { kind: "position"; name: string; summary: string; steps: readonly string[]; note: string }
  | { kind: "question"; question: string; answer: readonly string[] };

export interface GuideSection {
  /** Stable id, used for the table of contents. */
  id: string;
  heading: string;
  /** One line under the heading: what the reader takes away. */
  lead: string;
  blocks: readonly GuideBlock[];
}

export interface GuideContent {
  title: string;
  subtitle: string;
  intro: readonly string[];
  sections: readonly GuideSection[];
  /**
   * "When to seek medical evaluation": set apart in its own box so no one misses it, graded by
   * urgency (the same words as the emails: emails/components/red-flags-wording.ts).
   */
  redFlags: {
    heading: string;
    intro: string;
    /** `tone` draws the emergency group apart from the same-day one (issue 27, item 1). */
    groups: readonly { tone: "emergency" | "same-day"; title: string; items: readonly string[]; action: string }[];
    why: string;
  };
  /** The last page: the clinic one tap away (BOOKING_URL) and the related reading, when set. */
  nextSteps: { heading: string; booking: string; reading: string };
  /** A printable page for the reader's own notes: what they noticed, what helped. */
  notes: { heading: string; lead: string; prompts: readonly string[] };
  disclaimer: { heading: string; paragraphs: readonly string[] };
}

/**
 * The guide for a clinic's care settings: the red flags name its emergency number, and same-day
 * care its phone and hours (EMERGENCY_NUMBER, CLINIC_PHONE, CLINIC_HOURS).
 */
export function guideContent(care: CareContacts = DEFAULT_CARE): GuideContent {
  return {
    ...GUIDE,
    redFlags: {
      ...GUIDE.redFlags,
      groups: [
        { tone: "emergency", title: EMERGENCY_HEADING, items: EMERGENCY_SIGNS, action: emergencyAction(care) },
        { tone: "same-day", title: SAME_DAY_HEADING, items: SAME_DAY_SIGNS, action: sameDayAction(care) },
      ],
    },
  };
}

/** The guide with the default care settings (911, no clinic phone). */
export const GUIDE: GuideContent = {
  title: "The Flare-Up Reset Guide",
  subtitle:
    "Simple strategies that may help calm pain flare-ups and help you return to movement with more confidence.",
  intro: [
    "Sciatica flare-ups can feel alarming, especially when pain travels from the lower back down the leg. " +
      "Many people assume that pain shooting down the leg means something is seriously damaged. In many " +
      "cases, what is happening is nerve irritation, not necessarily worsening structural damage.",
    "Understanding why flare-ups happen can help you respond more calmly and make better recovery " +
      "decisions. This guide walks you through what is going on, what often sets a flare-up off, and " +
      "gentle ways that may help things settle.",
  ],
  sections: [
    {
      id: "what-sciatica-is",
      heading: "What sciatica is, and why pain travels down the leg",
      lead: "A pattern of symptoms from an irritated nerve, not a diagnosis by itself.",
      blocks: [
        {
          kind: "paragraph",
          text:
            "Sciatica is not a diagnosis by itself. It is a pattern of symptoms caused by irritation of the " +
            "sciatic nerve or the nerve roots that form it. The sciatic nerve begins in the lower spine and " +
            "travels through the hip and down the leg. It is the longest nerve in the body.",
        },
        {
          kind: "list",
          intro: "Common symptoms may include:",
          items: [
            "pain traveling down the leg",
            "burning or tingling sensations",
            "numbness in parts of the leg or foot",
            "weakness in certain movements",
          ],
        },
        { kind: "paragraph", text: NUMBNESS_CONTRAST },
        {
          kind: "paragraph",
          text:
            "When irritation occurs near the lower spine, symptoms can travel along the nerve's path. A common " +
            "pattern runs from lower back discomfort to the glute, down the back of the thigh, into the calf " +
            "and sometimes to the outer foot. This pattern is often associated with irritation of the L4–L5 or " +
            "L5–S1 nerve roots.",
        },
        {
          kind: "insight",
          title: "A note from our clinicians",
          text: [
            "Pain traveling down the leg does not always mean the nerve is severely compressed. Sometimes the " +
              "nerve is simply irritated and sensitive, which can amplify pain signals.",
            "The intensity of symptoms can vary widely. Pain often reflects how irritated the nervous system " +
              "is, not just what shows up on imaging, and reducing irritation often helps symptoms calm down.",
          ],
        },
      ],
    },
    {
      id: "triggers",
      heading: "Common triggers: why flare-ups happen",
      lead: "Usually a build-up of stressors, rather than one single event.",
      blocks: [
        {
          kind: "paragraph",
          text:
            "Flare-ups often happen when the nervous system experiences more stress than it can currently " +
            "tolerate. Think of it as load versus capacity: your body has a certain capacity right now, and a " +
            "flare-up may follow when the total load asks for more than that.",
        },
        {
          kind: "list",
          intro: "Common triggers may include:",
          items: [
            "long periods of sitting",
            "sudden increases in activity",
            "lifting more than usual",
            "poor sleep",
            "higher stress levels",
          ],
        },
        {
          kind: "paragraph",
          text:
            "Often it is the accumulation of stressors rather than a single event that causes symptoms to " +
            "spike: a long drive, a short night and a busy week can add up. Noticing your own pattern may help " +
            "you spread the load, take movement breaks from sitting, and build capacity gradually.",
        },
      ],
    },
    {
      id: "positions",
      heading: "Calming positions to try",
      lead: "Supported positions that may reduce pressure around the irritated nerve.",
      blocks: [
        {
          kind: "paragraph",
          text:
            "During a flare-up, the goal is usually to reduce irritation before pushing into more movement. " +
            "These supported positions may reduce pressure around the irritated nerve and allow muscles to " +
            "relax. Aim for comfort, not stretch: settle in, breathe slowly, and stay for a few minutes, or as " +
            "long as it feels comfortable.",
        },
        {
          kind: "position",
          name: "The 90–90 position",
          summary: "Lying on your back with your lower legs supported.",
          steps: [
            "Lie on your back on the floor or a firm bed, close to a chair, sofa or stack of cushions.",
            "Rest your calves on the support so your hips and knees are both bent to about a right angle.",
            "Let your lower back settle and your arms rest by your sides; a small pillow under your head is fine.",
            "Breathe slowly and let the muscles around your hips and back soften.",
          ],
          note: "If you do not have a support at the right height, a pile of firm pillows works too.",
        },
        {
          kind: "position",
          name: "Supported child's pose",
          summary: "Kneeling and folding forward onto pillows, with nothing to push.",
          steps: [
            "Kneel on a soft surface with your knees comfortably apart.",
            "Place a firm cushion or a stack of pillows lengthwise in front of you.",
            "Fold forward slowly and rest your chest and head on the pillows; let your arms rest where they are comfortable.",
            "Let your breathing slow down. Stay only as far forward as feels easy.",
          ],
          note: "If kneeling is uncomfortable, a pillow between your heels and seat may help, or choose another position.",
        },
        {
          kind: "position",
          name: "Side-lying with a pillow between the knees",
          summary: "Resting on your side, hips level. A good choice for sleep.",
          steps: [
            "Lie on the side that feels better, with your knees gently bent.",
            "Place a pillow between your knees (and ankles, if that feels better) so your top leg rests level with your hip.",
            "Support your head with a pillow that keeps your neck in line with your spine.",
            "Let your body sink into the bed and breathe slowly.",
          ],
          note: "Many people find this position helps them rest at night during a flare-up.",
        },
        {
          kind: "paragraph",
          text:
            "If a position increases pain or tingling down your leg, ease out of it and try another. Once " +
            "symptoms calm, gradual movement can be reintroduced.",
        },
      ],
    },
    {
      id: "common-mistake",
      heading: "The common mistake, and gentler strategies",
      lead: "In some cases, pushing hard early in a flare can increase nerve irritation.",
      blocks: [
        {
          kind: "paragraph",
          text:
            "A common mistake during flare-ups is aggressive stretching immediately after symptoms start. It " +
            "makes sense to want to stretch the pain away, but in some cases this can increase nerve " +
            "irritation. Gentler strategies often work better early in a flare.",
        },
        {
          kind: "list",
          intro: "Gentler strategies that may help early on:",
          items: [
            "resting in a supported, comfortable position for a few minutes at a time",
            "slow, easy breathing while you rest",
            "short, comfortable walks and frequent changes of position, instead of long sitting",
            "reintroducing movement gradually as symptoms settle, and keeping stretches gentle",
          ],
        },
      ],
    },
    {
      id: "tools",
      heading: "Supportive tools",
      lead: "Some people find temporary relief; tools work best with education and gradual movement.",
      blocks: [
        {
          kind: "list",
          intro: "Some people find temporary relief using supportive tools, such as:",
          items: [
            "foam rollers",
            "massage balls for the glute muscles",
            "lumbar support cushions",
            "CBD topical creams",
          ],
        },
        {
          kind: "paragraph",
          text:
            "These tools may help reduce discomfort for a while, but they work best when combined with " +
            "education and gradual movement. Use them gently: they are there to make you more comfortable, not " +
            "to push through pain. Some people also ask about supplements to support recovery and muscle " +
            "relaxation: whether one suits you is a question for your clinician or pharmacist.",
        },
      ],
    },
    {
      id: "questions",
      heading: "Walking and stretching: your questions answered",
      lead: "Common questions, answered.",
      blocks: [
        {
          kind: "question",
          question: "Is walking good for sciatica?",
          answer: [
            "Short walks may help reduce stiffness and improve circulation, but excessive walking during a " +
              "flare-up may increase irritation.",
          ],
        },
        {
          kind: "question",
          question: "Should I stretch during a sciatica flare?",
          answer: [
            "Gentle movement may help, but aggressive stretching sometimes increases nerve irritation during " +
              "acute flare-ups. Keep it easy, and stop if symptoms travel further down the leg.",
          ],
        },
        {
          kind: "question",
          question: "What position helps sciatica pain the most?",
          answer: [
            "Many people find relief in supported positions, such as lying on the back with the legs elevated " +
              "or lying on the side with a pillow between the knees. The best one is the one that calms your " +
              "symptoms.",
          ],
        },
        {
          kind: "question",
          question: "What triggers a sciatica flare-up?",
          answer: [
            "Common triggers include prolonged sitting, sudden increases in activity, lifting more than usual, " +
              "and cumulative physical or mental stress.",
          ],
        },
      ],
    },
  ],
  redFlags: {
    heading: "When to seek medical evaluation",
    intro: "Some signs need more than a flare-up plan. How quickly to act depends on the sign:",
    groups: [
      { tone: "emergency", title: EMERGENCY_HEADING, items: EMERGENCY_SIGNS, action: emergencyAction(DEFAULT_CARE) },
      { tone: "same-day", title: SAME_DAY_HEADING, items: SAME_DAY_SIGNS, action: sameDayAction(DEFAULT_CARE) },
    ],
    why: WHY_THEY_MATTER,
  },
  nextSteps: {
    heading: "When you would like some help",
    booking: "Book an assessment",
    reading: "Further reading from the clinic",
  },
  notes: {
    heading: NOTES_PAGE_TITLE,
    lead: "Print this page and keep it handy. Noticing your own pattern may help you respond calmly next time.",
    prompts: [
      "Things that seem to add up before my flare-ups:",
      "Positions and strategies that help me settle:",
      "Questions for my clinician:",
      "My clinician's name and phone number:",
    ],
  },
  disclaimer: {
    heading: "Please read: this guide is education, not medical advice",
    paragraphs: [
      "This guide is for general education only. It is not medical advice, a diagnosis or a treatment plan, " +
        "and it does not replace an assessment by a qualified clinician who knows your history.",
      "Everyone's body is different. If any position or strategy in this guide increases your symptoms, stop " +
        "and seek advice. If you notice any of the warning signs in this guide, act on them as it says: emergency care now, or a clinician the same day.",
    ],
  },
};
