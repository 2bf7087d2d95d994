import type { CareContacts, EmailLink, RelatedReading } from "../../emails/props.js";
import type { OutgoingEmail } from "../mail/transport.js";
import { envelope } from "../outbound/envelope.js";
import type { RenderCache } from "../mail/render-cache.js";
import { answerUrl, guideUrl, trackedUrl, unsubscribeUrl, type LinkSettings } from "./links.js";
import { linkTarget, type LinkKey } from "../signals/link-keys.js";
import type { StepKey } from "./steps.js";

export interface ComposeSettings extends LinkSettings {
  from: string;
  replyTo: string | undefined;
  postalAddress: string;
  clinicName: string;
  toolsUrl: string | undefined;
  supplementUrl: string | undefined;
  /** TOOLS_AFFILIATE / SUPPLEMENT_AFFILIATE: a link is marked "affiliate" only when it is one. */
  toolsAffiliate?: boolean | undefined;
  supplementAffiliate?: boolean | undefined;
  /** BOOKING_URL: "Book an assessment" in the later steps. */
  bookingUrl?: string | undefined;
  /** The article's related-reading pieces (RELATED_READING_*). */
  reading?: RelatedReading | undefined;
  /**
   * EMERGENCY_NUMBER, CLINIC_PHONE, CLINIC_HOURS: every email's red-flag lines and reply note say
   * how to reach care with them. Required, so no composer can forget them and fall back to 911.
   */
  care: CareContacts;
  /** One per process: each template is rendered by React once, then personalised (µs). */
  renderer: RenderCache;
}

export interface Recipient {
  subscriberId: string;
  email: string;
  firstName: string | null;
}

export function toolLinks(
  s: Pick<ComposeSettings, "toolsUrl" | "supplementUrl" | "toolsAffiliate" | "supplementAffiliate">,
): EmailLink[] {
  const links: EmailLink[] = [];
  if (s.toolsUrl) {
    links.push({ kind: "tools", label: "Clinician-curated recovery tools", url: s.toolsUrl, affiliate: s.toolsAffiliate === true });
  }
  if (s.supplementUrl) {
    links.push({ kind: "supplements", label: "Thorne supplements", url: s.supplementUrl, affiliate: s.supplementAffiliate === true });
  }
  return links;
}

/**
 * Renders one step for one subscriber with every header the contract asks for, purely from its
 * inputs: a retry re-renders, and the provider answers a reused idempotency key with another
 * payload by 409 (so `issuedAt` is the due time, not the clock). Every link points at the service
 * and names this email (`deliveryId`); outside links go through GET /l/:token (DESIGN.md "Signals").
 */
export async function composeEmail(
  s: ComposeSettings,
  step: StepKey,
  to: Recipient,
  issuedAt: Date,
  deliveryId: number,
): Promise<OutgoingEmail> {
  const unsubscribe = unsubscribeUrl(s, to.subscriberId, deliveryId);
  const tracked = (key: LinkKey) => (linkTarget(s, key) === undefined ? undefined : trackedUrl(s, deliveryId, key));
  const props = {
    firstName: to.firstName,
    guideUrl: guideUrl(s, to.subscriberId, issuedAt, deliveryId),
    unsubscribeUrl: unsubscribe,
    postalAddress: s.postalAddress,
    clinicName: s.clinicName,
    toolLinks: toolLinks(s).map((link) => ({ ...link, url: trackedUrl(s, deliveryId, link.kind) })),
    bookingUrl: tracked("booking"),
    reading: {
      starterGuideUrl: tracked("reading-starter"),
      loadCapacityUrl: tracked("reading-load"),
      positionsUrl: tracked("reading-positions"),
    },
    care: s.care,
  };
  // Only the check-in carries answer links; narrowing on `step` lets the other steps' props
  // leave them out (PropsFor<StepKey> would otherwise ask every step for them). Each answer page
  // names this email; the prop names end in `Url`, so the render cache treats them as per-reader links.
  const rendered =
    step === "check-in"
      ? await s.renderer.render(step, {
          ...props,
          answers: {
            betterUrl: answerUrl(s, deliveryId, "better"),
            sameUrl: answerUrl(s, deliveryId, "same"),
            worseUrl: answerUrl(s, deliveryId, "worse"),
          },
        })
      : await s.renderer.render(step, props);
  return envelope(s, { kind: "step", step, subscriberId: to.subscriberId }, to.email, rendered, unsubscribe);
}
