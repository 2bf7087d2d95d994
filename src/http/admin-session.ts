import { createHash, createHmac, randomBytes } from "node:crypto";
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";

/**
 * The dashboard's session: a signed cookie (hono/cookie) holding a random session id and its issue
 * time (attributes: docs/admin-and-stats.md "Security"), keyed from APP_SECRET *and* ADMIN_TOKEN so
 * a new token ends every session; logout revokes it server-side (issue 17: logged-out cookies lived on).
 */
export interface AdminSessionSettings {
  appSecret: string;
  publicUrl: string;
  /**
   * Revocations' store (src/db/queries/admin-sessions.ts), always passed by the admin routes (src/deps.ts
   * adminDeps); without it a session can be started but not read: closed, never open.
   */
  revocations?: SessionRevocations;
}

/** The session id that stands for "every session issued up to then" (log out everywhere). */
export const EVERY_SESSION = "*";

export interface SessionRevocations {
  /** Whether the session was revoked: its own id, or EVERY_SESSION after `issuedAt`. */
  isRevoked(sessionId: string, issuedAt: Date): Promise<boolean>;
  /** Revokes `sessionId` (or EVERY_SESSION); the record may go once `expiresAt` has passed. */
  revoke(sessionId: string, expiresAt: Date, now: Date): Promise<void>;
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
  const id = randomBytes(16).toString("base64url");
  await setSignedCookie(c, sessionCookieName(s), `v2.${id}.${now}`, signingKey(token, s), {
    path: "/",
    httpOnly: true,
    sameSite: "Strict",
    secure: secure(s),
    maxAge: SESSION_HOURS * 3600,
  });
}

/** The signed cookie's id and issue time (ms), when its signature holds and it has not expired. */
async function sessionCookie(c: Context, token: string, s: AdminSessionSettings, now: number): Promise<{ id: string; issuedAt: number } | undefined> {
  const value = await getSignedCookie(c, signingKey(token, s), sessionCookieName(s));
  if (typeof value !== "string") return undefined;
  // v1 cookies (no id, so not revocable one by one) are no longer accepted: their holder logs in again.
  const match = /^v2\.([A-Za-z0-9_-]{22})\.(\d{1,15})$/.exec(value);
  if (!match) return undefined;
  const issuedAt = Number(match[2]);
  const age = (now - issuedAt) / 1000;
  if (age < -60 || age >= SESSION_HOURS * 3600) return undefined;
  return { id: match[1]!, issuedAt };
}

export async function readAdminSession(c: Context, token: string, s: AdminSessionSettings, now = Date.now()): Promise<boolean> {
  const session = await sessionCookie(c, token, s, now);
  if (!session || !s.revocations) return false;
  return !(await s.revocations.isRevoked(session.id, new Date(session.issuedAt)));
}

export function endAdminSession(c: Context, s: AdminSessionSettings): void {
  deleteCookie(c, sessionCookieName(s), { path: "/", secure: secure(s), httpOnly: true, sameSite: "Strict" });
}

/** Logout: this browser's session is revoked server-side (a copy of the cookie dies too) and its cookie cleared. */
export async function revokeAdminSession(c: Context, token: string, s: AdminSessionSettings, now = Date.now()): Promise<void> {
  const session = await sessionCookie(c, token, s, now);
  if (session && s.revocations) {
    await s.revocations.revoke(session.id, new Date(session.issuedAt + SESSION_HOURS * 3600_000), new Date(now));
  }
  endAdminSession(c, s);
}

/** "Log out everywhere": every session issued until now is revoked, this one included. */
export async function revokeEveryAdminSession(c: Context, s: AdminSessionSettings, now = Date.now()): Promise<void> {
  if (!s.revocations) throw new Error("admin sessions cannot be revoked without their store");
  await s.revocations.revoke(EVERY_SESSION, new Date(now + SESSION_HOURS * 3600_000), new Date(now));
  endAdminSession(c, s);
}
