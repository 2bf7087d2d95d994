import type { Context } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { LinkFetch, LinkSignals } from "../signals/signals.js";

/**
 * The client's address for rate limits and consent records. Behind our proxy (TRUST_PROXY=true): the
 * right-most X-Forwarded-For entry, the one our proxy appended; entries left of it are forgeable.
 */
export function clientAddress(c: Context, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for");
    const last = forwarded?.split(",").map((s) => s.trim()).filter(Boolean).pop();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // app.request() in tests has no socket.
    return undefined;
  }
}

/** Who sent a request, as the consent record and the link signals keep it. */
export function requester(c: Context, trustProxy: boolean) {
  return { ip: clientAddress(c, trustProxy), userAgent: c.req.header("user-agent") };
}

/** Records a fetch of one of our emails' links, with who sent it, for the signals (src/signals/). */
export function recordFetch(c: Context, deps: { signals: LinkSignals; trustProxy: boolean }, fetch: Pick<LinkFetch, "link" | "subscriberId" | "deliveryId">) {
  return deps.signals.record({ ...fetch, method: c.req.method, ...requester(c, deps.trustProxy) });
}
