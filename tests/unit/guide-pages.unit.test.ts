import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import type postgres from "postgres";
import { describe, expect, it } from "vitest";
import { createGuidePdfStore } from "../../src/guide/pdf.js";
import { createLogger } from "../../src/logger.js";
import { guideRoutes } from "../../src/routes/guide.js";
import { signToken } from "../../src/tokens.js";
import { CONSENT_WORDING } from "../../src/campaign/consent.js";
import { PRIVACY_LINK_LABEL, PRIVACY_NOTE, valuesFromBody, valuesFromQuery } from "../../src/pages/landing.js";
import { MEDICAL_DISCLAIMER, type PageSettings } from "../../src/pages/layout.js";
import { pageRoutes } from "../../src/routes/pages.js";
import { LinkSignals } from "../../src/signals/signals.js";

const settings: PageSettings = {
  clinicName: "Harbour Spine Clinic",
  postalAddress: "42 Harbour Road, Port Town",
  allowedOrigins: ["https://clinic.example"],
  guideLinkTtlDays: 30,
  doubleOptIn: false,
};
const app = pageRoutes(settings);

function directives(csp: string): Map<string, string> {
  return new Map(
    csp.split(";").map((d) => {
      const [name = "", ...rest] = d.trim().split(/\s+/);
      return [name, rest.join(" ")] as const;
    }),
  );
}

const sha = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

describe("the reader's pages (no database needed)", () => {
  it("the CSP allows exactly the page's inline style and script, by hash, and nothing external", async () => {
    const res = await app.request("/");
    const html = await res.text();
    const csp = directives(res.headers.get("content-security-policy") ?? "");
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
    expect(style).toBeDefined();
    expect(script).toBeDefined();
    expect(csp.get("style-src")).toBe(sha(style!));
    expect(csp.get("script-src")).toBe(sha(script!));
    expect(csp.get("default-src")).toBe("'none'");
    expect(csp.get("form-action")).toBe("'self'");
    expect(csp.get("frame-ancestors")).toBe("'self'");
    // One <style>, one <script>, no attribute styles (the CSP would block them), no external URL.
    expect(html.match(/<style/g)).toHaveLength(1);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("the landing page has the call to action, labelled fields, honeypot, consent and privacy note", async () => {
    const html = await (await app.request("/")).text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("<h1 id=\"title\">Download the Free Flare-Up Reset Guide</h1>");
    expect(html).toContain("Simple strategies that may help calm pain flare-ups");
    expect(html).toMatch(/<label for="email">Email address<\/label>/);
    expect(html).toMatch(/<input id="email" name="email" type="email"[^>]* required/);
    expect(html).toMatch(/<label for="firstName">First name/);
    expect(html).toMatch(/<div class="hp" aria-hidden="true">[\s\S]*name="website"[^>]*tabindex="-1"/);
    expect(html).toMatch(/<input type="hidden" name="timezone" id="timezone"/);
    expect(html).toMatch(/<form method="post" action="\/api\/subscribe"/);
    expect(html).toContain(CONSENT_WORDING);
    // Issue 27, item 8: who the address is shared with, named; no privacy link when PRIVACY_URL is unset.
    expect(html).toContain("We never sell it, and share it only with the services that run the series for the clinic: our email provider and the clinic&#39;s connected tools.");
    expect(html).not.toContain("never sell or share");
    expect(html).not.toContain(PRIVACY_LINK_LABEL);
    expect(html).toContain("Harbour Spine Clinic · 42 Harbour Road, Port Town");
    expect(html).toContain("not medical advice");
  });

  it("links PRIVACY_URL from the privacy note when set, on the landing page and the embed", async () => {
    const withPrivacy = pageRoutes({ ...settings, privacyUrl: "https://clinic.example/privacy" });
    for (const path of ["/", "/embed"]) {
      const html = await (await withPrivacy.request(path)).text();
      expect(html, path).toContain(`<a href="https://clinic.example/privacy">${PRIVACY_LINK_LABEL}</a>`);
    }
  });

  it("names the clinic's emergency number and phone in the landing page's red-flag lines", async () => {
    const html = await (await pageRoutes({ ...settings, care: { emergencyNumber: "999", clinicPhone: "(555) 010-0199" } }).request("/")).text();
    expect(html).toContain("call 999 or go to an emergency department now, don&#39;t wait.");
    expect(html).toContain("call us on (555) 010-0199");
  });

  it("carries source and UTM from the query string into hidden fields", async () => {
    const html = await (await app.request("/?source=article&utm_source=blog&utm_medium=cta&utm_campaign=flare&other=x")).text();
    expect(html).toContain('<input type="hidden" name="source" value="article"/>');
    expect(html).toContain('<input type="hidden" name="utm_source" value="blog"/>');
    expect(html).toContain('<input type="hidden" name="utm_medium" value="cta"/>');
    expect(html).toContain('<input type="hidden" name="utm_campaign" value="flare"/>');
    expect(html).not.toContain('name="other"');
  });

  it("escapes whatever comes back into the page", async () => {
    const html = await (await app.request('/?utm_source="><script>alert(1)</script>')).text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it("/embed is compact, marks its posts as embed, and may be framed by ALLOWED_ORIGINS only", async () => {
    const res = await app.request("/embed");
    const html = await res.text();
    expect(directives(res.headers.get("content-security-policy") ?? "").get("frame-ancestors")).toBe(
      "'self' https://clinic.example",
    );
    expect(html).toContain('<input type="hidden" name="form" value="embed"/>');
    expect(html).toContain('<input type="hidden" name="source" value="embed"/>');
    expect(html).not.toContain("<header");
    // The embed has no footer: the form carries the disclaimer itself (issue 27, item 8).
    expect(html).toContain(MEDICAL_DISCLAIMER);
    expect(html).toContain(PRIVACY_NOTE.slice(0, 60));
    const anyOrigin = await pageRoutes({ ...settings, allowedOrigins: ["*"] }).request("/embed");
    expect(directives(anyOrigin.headers.get("content-security-policy") ?? "").get("frame-ancestors")).toBe("*");
  });

  it("/thanks says what happens next, for single and double opt-in", async () => {
    const single = await (await app.request("/thanks")).text();
    expect(single).toContain("Check your inbox");
    expect(single).toContain("works for 30 days");
    const double = await (await pageRoutes({ ...settings, doubleOptIn: true }).request("/thanks")).text();
    expect(double).toContain("confirm your address");
    expect(double).not.toContain("works for 30 days");
  });

  it("keeps only the form's own fields from a posted body, bounded", () => {
    expect(valuesFromBody({ email: "a@b.c", firstName: "Ana", website: "bot", form: "embed", x: 1 })).toEqual({
      email: "a@b.c",
      firstName: "Ana",
    });
    expect(valuesFromBody({ email: "x".repeat(1000) }).email).toHaveLength(300);
    expect(valuesFromQuery({ utm_source: "y".repeat(500) }).utm_source).toHaveLength(200);
    expect(valuesFromQuery({}, "embed")).toEqual({ source: "embed" });
  });

  it("bad fresh-link posts get a 400 page; a guide that cannot be prepared a 503 page, and the link never reaches the log", async () => {
    const lines: string[] = [];
    const logger = createLogger("debug", new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
    const secret = "unit-secret-".padEnd(40, "z");
    const failing = new Error("database must not be touched");
    const sql = new Proxy(() => undefined, { apply: () => Promise.reject(failing), get: () => { throw failing; } });
    const routes = guideRoutes({
      sql: sql as unknown as postgres.Sql,
      signals: new LinkSignals({ sql: sql as unknown as postgres.Sql, logger }),
      appSecret: secret,
      pdf: createGuidePdfStore({ clinicName: "x", pdfPath: "/nonexistent/guide.pdf", logger }),
      pages: settings,
      freshLinkLimiter: { consume: async () => ({ allowed: true }) },
      freshLink: { sql: sql as unknown as postgres.Sql, queues: { enqueueDeliveries: async () => undefined }, logger },
      trustProxy: false,
      logger,
    });
    // Bad input to the fresh-link form is a 400 page before any database work: too big, not a form.
    const big = await routes.request("/guide/fresh-link", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `email=${"a".repeat(8000)}`,
    });
    expect(big.status).toBe(400);
    const json = await routes.request("/guide/fresh-link", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ana@example.com" }),
    });
    expect(json.status).toBe(400);
    expect(await json.text()).toContain("Please enter your email address.");

    const token = signToken(secret, "guide", "5b1c0c4e-0000-4000-8000-000000000001", new Date(Date.now() + 60_000));
    const res = await routes.request(`/guide/${token}`);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(await res.text()).toContain("Please try again in a moment");
    expect(lines.join("")).toContain("guide PDF unavailable");
    expect(lines.join("")).not.toContain(token);
  });
});
