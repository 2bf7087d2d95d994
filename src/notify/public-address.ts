import dns from "node:dns";
import net from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Which addresses an outgoing webhook may reach (DESIGN.md invariant 8; docs/webhooks.md "Only
 * public addresses"): plain `unicast` to ipaddr.js, an IPv6 form's IPv4 unwrapped so the refusal
 * names it (`::ffff:7f00:1` is 127.0.0.1). `::a.b.c.d` (IPv4-compatible, unicast to ipaddr.js) is
 * refused whatever it embeds: RFC 4291 §2.5.5.1 deprecated it, and a legacy tunnel may route it.
 * Checked at creation and at every connection (webhook-http.ts), against DNS rebinding.
 */

/** Every address a host name resolves to (all of them: one non-public address refuses the name). */
export type Resolve = (hostname: string) => Promise<string[]>;

/** The system resolver (getaddrinfo, /etc/hosts included), every address in the resolver's order. */
export const systemResolve: Resolve = async (hostname) => {
  const answers = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => answer.address);
};

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** ipaddr.js range names, as a noun phrase for the sentence an admin reads. */
const RANGE_PHRASES: Record<string, string> = {
  unspecified: "an unspecified address",
  broadcast: "a broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address",
  loopback: "a loopback address",
  carrierGradeNat: "a carrier-grade NAT address",
  private: "a private address",
  reserved: "a reserved address",
  benchmarking: "a benchmarking address",
  amt: "an AMT relay address",
  as112: "an AS112 address",
  as112v6: "an AS112 address",
  uniqueLocal: "a unique local address",
  ipv4Mapped: "an IPv4-mapped address",
  rfc6145: "an IPv4-translated address",
  rfc6052: "a NAT64 address",
  "6to4": "a 6to4 relay address",
  teredo: "a Teredo address",
  discard: "a discard-only address",
  deprecatedSiteLocal: "a site-local address",
  deprecatedOrchid: "an ORCHID address",
  orchid2: "an ORCHID address",
  droneRemoteIdProtocolEntityTags: "a drone remote ID address",
  segmentRouting: "a segment routing address",
};

const phraseFor = (range: string) => RANGE_PHRASES[range] ?? `a non-public address (${range})`;

/**
 * IPv6 goes through the WHATWG URL parser first, the one that normalises a webhook's host: ipaddr.js
 * reads `::127.0.0.1` as the mapped `::ffff:7f00:1`, but it is the IPv4-compatible `::7f00:1`; both
 * are refused, the reason should name the right one. A zone (`fe80::1%eth0`) keeps the range.
 */
function parse(ip: string): Address | undefined {
  const bare = ip.split("%", 1)[0] ?? ip;
  try {
    if (net.isIPv6(bare)) return ipaddr.IPv6.parse(new URL(`http://[${bare}]/`).hostname.slice(1, -1));
    return ipaddr.parse(ip);
  } catch {
    return undefined;
  }
}

const ipv4From = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

/** `::a.b.c.d` (not `::` or `::1`, which have ranges of their own). */
function isIPv4Compatible(address: ipaddr.IPv6): boolean {
  const p = address.parts;
  return p.slice(0, 6).every((part) => part === 0) && address.range() === "unicast";
}

/** The IPv4 addresses an IPv6 address carries, by where each form puts them. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const p = address.parts as [number, number, number, number, number, number, number, number];
  switch (address.range()) {
    case "ipv4Mapped": // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2)
    case "rfc6145": // ::ffff:0:a.b.c.d
      return [ipv4From(p[6], p[7])];
    case "rfc6052": // 64:ff9b::a.b.c.d (RFC 6052 §2.2, the /96 well-known prefix; the /48 local one is refused whole)
      return p[2] === 0 ? [ipv4From(p[6], p[7])] : [];
    case "6to4": // 2002:AABB:CCDD::/48 (RFC 3056 §2)
      return [ipv4From(p[1], p[2])];
    case "teredo": // 2001:0:server:server:flags:port:~client:~client (RFC 4380 §4)
      return [ipv4From(p[2], p[3]), ipv4From(p[6] ^ 0xffff, p[7] ^ 0xffff)];
    default:
      return isIPv4Compatible(address) ? [ipv4From(p[6], p[7])] : [];
  }
}

/**
 * Why `ip` is not public, as a noun phrase ("a loopback address", "an IPv4-mapped address of a
 * loopback address (127.0.0.1)"); undefined when public. What does not parse is not public.
 */
export function nonPublicReason(ip: string): string | undefined {
  const address = parse(ip);
  if (!address) return "not an IP address";
  const range = address.range();
  if (address.kind() === "ipv6") {
    const v6 = address as ipaddr.IPv6;
    const outer = isIPv4Compatible(v6) ? "an IPv4-compatible address" : phraseFor(range);
    for (const inner of embeddedIPv4(v6)) {
      const innerRange = inner.range();
      if (innerRange !== "unicast") return `${outer} of ${phraseFor(innerRange)} (${inner.toString()})`;
    }
    if (isIPv4Compatible(v6)) return `${outer} (deprecated)`;
  }
  return range === "unicast" ? undefined : phraseFor(range);
}

/** A URL's hostname as an address, when it is one (`[::1]` → `::1`); undefined for a name. */
export function literalAddress(hostname: string): string | undefined {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return net.isIP(bare) ? bare : undefined;
}

export const MAX_WEBHOOK_URL_LENGTH = 2000;

/**
 * The admin API's check at creation; the reason is one short sentence for a 400 naming `url`. With
 * `allowPrivate` (WEBHOOK_ALLOW_PRIVATE_URLS, for an n8n on the LAN or a local test) plain http and
 * any address pass. The WHATWG URL parser has already normalised the host (`https://2130706433/`,
 * `https://0x7f.1/` are 127.0.0.1), so what is checked is what would be connected to.
 */
export async function checkWebhookUrl(
  raw: string,
  options: { allowPrivate: boolean; resolve: Resolve },
): Promise<{ ok: true; url: URL } | { ok: false; reason: string }> {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return { ok: false, reason: "must be at most 2,000 characters" };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "must be an absolute URL (https://…)" };
  }
  const schemes = options.allowPrivate ? ["https:", "http:"] : ["https:"];
  if (!schemes.includes(url.protocol)) {
    return { ok: false, reason: options.allowPrivate ? "must use https or http" : "must use https" };
  }
  // A receiver's credentials belong in its own secret, not in a URL the log and the list show.
  if (url.username !== "" || url.password !== "") {
    return { ok: false, reason: "must not contain a username or password" };
  }
  if (url.hostname === "") return { ok: false, reason: "must name a host" };
  // Port 0 is "any port" to a socket API: no receiver listens there (issue 30).
  if (url.port === "0") return { ok: false, reason: "must not use port 0" };
  if (options.allowPrivate) return { ok: true, url };

  const literal = literalAddress(url.hostname);
  if (literal !== undefined) {
    const why = nonPublicReason(literal);
    return why === undefined ? { ok: true, url } : { ok: false, reason: `host ${literal} is ${why}` };
  }
  let addresses: string[];
  try {
    addresses = await options.resolve(url.hostname);
  } catch {
    return { ok: false, reason: `host ${url.hostname} could not be resolved` };
  }
  if (addresses.length === 0) return { ok: false, reason: `host ${url.hostname} does not resolve to any address` };
  for (const address of addresses) {
    const why = nonPublicReason(address);
    if (why !== undefined) return { ok: false, reason: `host ${url.hostname} resolves to ${address}, ${why}` };
  }
  return { ok: true, url };
}
