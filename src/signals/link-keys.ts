import type { RelatedReading } from "../../emails/props.js";

/**
 * The outside links an email may carry, via GET /l/:token (DESIGN.md "Signals"). The token holds the
 * key, never the target, which is the configuration's at click time: a moved booking page keeps readers.
 */
export const LINK_KEYS = ["booking", "reading-starter", "reading-load", "reading-positions", "tools", "supplements"] as const;
export type LinkKey = (typeof LINK_KEYS)[number];

/** What link_visits.link holds: one of our own pages (the check-in's answers too), or an outside link's key. */
export type VisitedLink = "guide" | "unsubscribe" | `answer-${"better" | "same" | "worse"}` | LinkKey;

/** Where the clinic's outside links go (BOOKING_URL, RELATED_READING_*, TOOLS_URL, SUPPLEMENT_URL). */
export interface OutsideLinks {
  bookingUrl?: string | undefined;
  toolsUrl?: string | undefined;
  supplementUrl?: string | undefined;
  reading?: RelatedReading | undefined;
}

export function isLinkKey(value: string): value is LinkKey {
  return (LINK_KEYS as readonly string[]).includes(value);
}

/** The configured target of a key, or undefined when the clinic has unset it since. */
export function linkTarget(links: OutsideLinks, key: LinkKey): string | undefined {
  switch (key) {
    case "booking":
      return links.bookingUrl;
    case "reading-starter":
      return links.reading?.starterGuideUrl;
    case "reading-load":
      return links.reading?.loadCapacityUrl;
    case "reading-positions":
      return links.reading?.positionsUrl;
    case "tools":
      return links.toolsUrl;
    case "supplements":
      return links.supplementUrl;
  }
}
