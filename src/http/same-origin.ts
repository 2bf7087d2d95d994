/**
 * Whether a state-changing request comes from our own pages: the admin's forms, and the reader's
 * resubscribe button (a cross-site page must not opt a reader back in). Sec-Fetch-Site (Fetch
 * Metadata, which no page can set) must be "same-origin"; without it, the Origin (else the Referer)
 * must be PUBLIC_URL's origin or the one addressed; neither header → no. Fetch Metadata comes first
 * because under our Referrer-Policy: no-referrer a browser sends "Origin: null" even to itself.
 */
export function sameOrigin(request: Request, publicUrl: string): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site) return site === "same-origin";
  const allowed = new Set([new URL(publicUrl).origin, new URL(request.url).origin]);
  const origin = request.headers.get("origin");
  if (origin && origin !== "null") return allowed.has(origin);
  const referer = request.headers.get("referer");
  if (!referer) return false;
  try {
    return allowed.has(new URL(referer).origin);
  } catch {
    return false;
  }
}
