import { createHash, createHmac } from "node:crypto";
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";

/**
 * The dashboard's session: a signed cookie (HMAC-SHA256, hono/cookie) holding only when it was
 * issued. httpOnly (no script reads it), SameSite=Strict (never sent on a request another site
 * starts: the first defence against CSRF), Secure and `__Host-` prefixed when PUBLIC_URL is https.
 * The signing key is derived from APP_SECRET *and* ADMIN_TOKEN, so changing the token ends every
 * session; sessions are stateless otherwise and last SESSION_HOURS.
 */
export interface AdminSessionSettings {
  appSecret: string;
  publicUrl: string;
}

export interface AdminIdentity {
  via: "session" | "bearer";
}

export const SESSION_HOURS = 12;

const secure = (s: AdminSessionSettings) => s.publicUrl.startsWith("https:");
export const sessionCookieName = (s: AdminSessionSettings) => (secure(s) ? "__Host-fur_admin" : "fur_admin");

function signingKey(token: string, s: AdminSessionSettings): string {
  const tokenHash = createHash("sha256").update(token).digest("hex");
  return createHmac("sha256", s.appSecret).update(`admin-session\0${tokenHash}`).digest("hex");
}

export async function startAdminSession(c: Context, token: string, s: AdminSessionSettings, now = Date.now()): Promise<void> {
  await setSignedCookie(c, sessionCookieName(s), `v1.${Math.floor(now / 1000)}`, signingKey(token, s), {
    path: "/",
    httpOnly: true,
    sameSite: "Strict",
    secure: secure(s),
    maxAge: SESSION_HOURS * 3600,
  });
}

export async function readAdminSession(c: Context, token: string, s: AdminSessionSettings, now = Date.now()): Promise<boolean> {
  const value = await getSignedCookie(c, signingKey(token, s), sessionCookieName(s));
  if (typeof value !== "string") return false;
  const match = /^v1\.(\d{1,12})$/.exec(value);
  if (!match) return false;
  const age = now / 1000 - Number(match[1]);
  return age >= -60 && age < SESSION_HOURS * 3600;
}

export function endAdminSession(c: Context, s: AdminSessionSettings): void {
  deleteCookie(c, sessionCookieName(s), { path: "/", secure: secure(s), httpOnly: true, sameSite: "Strict" });
}

/**
 * Whether a state-changing request comes from our own pages. Browsers say so in Sec-Fetch-Site
 * (Fetch Metadata; a header no page can set): only "same-origin" passes. Without it, the Origin
 * (or, failing that, the Referer) must be PUBLIC_URL's origin or the one the request was
 * addressed to; neither header → no. (Under the app's Referrer-Policy: no-referrer a browser
 * sends "Origin: null" even to its own origin, which is why Fetch Metadata comes first.)
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
