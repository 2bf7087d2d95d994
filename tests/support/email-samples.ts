import type { EmailLink } from "../../emails/props.js";
import type { StepProps, TemplateKey } from "../../src/mail/render.js";

/**
 * Every template with realistic, worst-case props: personal links as long as the real ones
 * (about 110 characters of unbreakable token), every optional block switched on. The browser
 * test measures these at phone widths and scripts/email-screenshots.ts photographs them.
 */
const token = (subject: string) =>
  `${Buffer.from(JSON.stringify({ sub: subject, exp: 1_798_000_000, kind: "guide" })).toString("base64url")}.Qm9vdHN0cmFwU2lnbmF0dXJlMTIzNDU2Nzg5MA`;
const base = "https://guide.example-physio-clinic.com";

const common = {
  firstName: "Ana",
  guideUrl: `${base}/guide/${token("0b9a3f5e-2a7c-4c1e-9d55-3f1f4f0e8a11")}`,
  unsubscribeUrl: `${base}/unsubscribe/${token("0b9a3f5e-2a7c-4c1e-9d55-3f1f4f0e8a11")}`,
  postalAddress: "Example Physical Therapy, 100 Main Street, Suite 210, Springfield, ST 00000",
  clinicName: "Example Physical Therapy",
  // Every care setting on, at its longest: the phone and hours lengthen the red-flag lines.
  care: { emergencyNumber: "911", clinicPhone: "+1 (555) 010-0199 ext. 204", clinicHours: "Monday to Friday, 7:30 am to 7 pm; Saturday 9 am to 1 pm" },
  bookingUrl: "https://www.example-physio-clinic.com/book-an-assessment?utm_source=flare-up-reset&utm_medium=email",
  reading: {
    starterGuideUrl: "https://www.example-physio-clinic.com/blog/sciatica-starter-guide-why-pain-travels-down-the-leg",
    loadCapacityUrl: "https://www.example-physio-clinic.com/blog/load-vs-capacity-why-pain-flare-ups-happen",
    positionsUrl: "https://www.example-physio-clinic.com/blog/3-positions-that-may-help-calm-a-sciatica-flare",
  },
};

const toolLinks: EmailLink[] = [
  { kind: "tools", label: "Clinician-curated recovery tools", url: "https://www.example-physio-clinic.com/recovery-tools" },
  { kind: "supplements", label: "Thorne supplements", url: "https://www.thorne.com/u/PR2106491", affiliate: true },
];

export const SAMPLE_PROPS: { readonly [K in TemplateKey]: StepProps[K] } = {
  confirm: { ...common, confirmUrl: `${base}/confirm/${token("0b9a3f5e-2a7c-4c1e-9d55-3f1f4f0e8a11")}`, validDays: 7 },
  "fresh-link": { ...common, validDays: 30 },
  welcome: { ...common, toolLinks },
  triggers: common,
  positions: common,
  mistakes: { ...common, toolLinks },
  "red-flags": common,
  "check-in": {
    ...common,
    answers: {
      betterUrl: `${base}/check-in/${token("answer-better-0b9a3f5e-2a7c-4c1e-9d55-3f1f4f0e8a11")}`,
      sameUrl: `${base}/check-in/${token("answer-same-0b9a3f5e-2a7c-4c1e-9d55-3f1f4f0e8a11")}`,
      worseUrl: `${base}/check-in/${token("answer-worse-0b9a3f5e-2a7c-4c1e-9d55-3f1f4f0e8a11")}`,
    },
  },
  "check-in-worse": common,
  "check-in-same": common,
  "check-in-better": common,
  closing: common,
};

export const SAMPLE_KEYS = Object.keys(SAMPLE_PROPS) as TemplateKey[];
