import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * One-time admin login links for development (issue 18; README "Two commands"), never built in
 * production: `base64url(nonce).expiry.mac`, HMAC-SHA256 keyed by APP_SECRET and the admin token
 * (a changed token voids every link), so a tampered link fails before any lookup. The nonce stays in
 * memory until used or expired, on purpose: only the printing process (a dev's `npm start`) honours it.
 */
export const LINK_MINUTES = 15;

export class DevLoginLinks {
  private readonly key: Buffer;
  /** Nonces minted here and not used yet, with their expiry (unix seconds). */
  private readonly open = new Map<string, number>();

  constructor(settings: { appSecret: string; adminToken: string }) {
    const tokenHash = createHash("sha256").update(settings.adminToken).digest("hex");
    this.key = createHmac("sha256", settings.appSecret).update(`admin-dev-login\0${tokenHash}`).digest();
  }

  mint(now = Date.now()): string {
    this.forgetExpired(now);
    const nonce = randomBytes(16).toString("base64url");
    const expiry = Math.floor(now / 1000) + LINK_MINUTES * 60;
    this.open.set(nonce, expiry);
    const payload = `${nonce}.${expiry}`;
    return `${payload}.${this.mac(payload).toString("base64url")}`;
  }

  /** Checks a link and, when it is good, spends it: the same link never passes twice. */
  redeem(link: string, now = Date.now()): { ok: true } | { ok: false; reason: "malformed" | "bad-signature" | "expired" | "used" } {
    const match = /^([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(link);
    if (!match) return { ok: false, reason: "malformed" };
    const [, nonce = "", expiry = "", mac = ""] = match;
    const given = Buffer.from(mac, "base64url");
    const expected = this.mac(`${nonce}.${expiry}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad-signature" };
    if (Number(expiry) * 1000 <= now) {
      this.open.delete(nonce);
      return { ok: false, reason: "expired" };
    }
    // Map.delete answers whether it was there: checking and spending are one step.
    if (!this.open.delete(nonce)) return { ok: false, reason: "used" };
    return { ok: true };
  }

  private mac(payload: string): Buffer {
    return createHmac("sha256", this.key).update(payload).digest();
  }

  private forgetExpired(now: number): void {
    for (const [nonce, expiry] of this.open) if (expiry * 1000 <= now) this.open.delete(nonce);
  }
}

/** The path a link opens; the route and the start-up banner both build it from here. */
export const devLoginPath = (link: string) => `/admin/dev-login/${link}`;
