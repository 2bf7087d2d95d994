import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStack, postJson, uniqueEmail, type TestStack } from "../support/stack.js";

/** The landing page's form against the real POST /api/subscribe: what a browser without JavaScript gets. */
describe("the landing page's form, posted", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ env: { ALLOWED_ORIGINS: "https://clinic.example" } });
  });
  afterAll(() => stack.close());

  function postForm(fields: Record<string, string>, headers: Record<string, string> = {}) {
    return stack.app.request("/api/subscribe", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async function stored(email: string) {
    return stack.deps.db.sql<{ email: string; first_name: string | null; timezone: string | null; source: string | null; utm_source: string | null }[]>`
      select email, first_name, timezone, source, utm_source from subscribers where email = ${email}`;
  }

  it("a good post lands on /thanks with everything the page carried (time zone, source, UTM)", async () => {
    const email = uniqueEmail("landing");
    const res = await postForm({
      email,
      firstName: "Ana",
      website: "",
      timezone: "Europe/Lisbon",
      source: "article",
      utm_source: "blog",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/thanks");
    expect(await stored(email)).toEqual([
      { email, first_name: "Ana", timezone: "Europe/Lisbon", source: "article", utm_source: "blog" },
    ]);
    const thanks = await stack.app.request("/thanks");
    expect(thanks.status).toBe(200);
    expect(await thanks.text()).toContain("Your Flare-Up Reset Guide is on its way");
  });

  it("a bad address comes back as the page with an inline error and the reader's entries (400), nothing stored", async () => {
    const res = await postForm({ email: "ana@gmail", firstName: "Ana <b>", timezone: "Europe/Lisbon", utm_source: "blog" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'sha256-");
    const html = await res.text();
    expect(html).toContain("<title>Please check the form · Download the Free Flare-Up Reset Guide</title>");
    expect(html).toMatch(/<div class="error-summary" role="alert" id="form-error">/);
    expect(html).toMatch(
      /<input id="email" name="email" type="email"[^>]*value="ana@gmail" aria-invalid="true" aria-describedby="email-error" autofocus=""/,
    );
    expect(html).toContain('<p class="field-error" id="email-error">Please check your email address: it should look like name@example.com.</p>');
    // The summary links to the field to fix.
    expect(html).toContain('<a href="#email">Please check your email address: it should look like name@example.com.</a>');
    expect(html).toContain('value="Ana &lt;b&gt;"');
    expect(html).toContain('<input type="hidden" name="timezone" id="timezone" value="Europe/Lisbon"/>');
    expect(html).toContain('<input type="hidden" name="utm_source" value="blog"/>');
    expect(await stored("ana@gmail")).toHaveLength(0);

    const missing = await postForm({ email: "" });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Please enter your email address.");

    const longName = await postForm({ email: uniqueEmail("long"), firstName: "A".repeat(101) });
    expect(longName.status).toBe(400);
    expect(await longName.text()).toMatch(/<input id="firstName"[^>]*aria-invalid="true"[\s\S]*Please shorten your first name/);
  });

  it("a JSON post with the same mistake still gets the JSON error body", async () => {
    const res = await postJson(stack, { email: "ana@gmail" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: "invalid_input", message: "Email must be a valid email address, like name@example.com", field: "email" },
    });
  });

  it("the embed's post stays compact: its thanks and its errors are pages the clinic's site may frame", async () => {
    const email = uniqueEmail("embed");
    const ok = await postForm({ email, form: "embed", source: "embed" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/thanks?embed=1");
    const thanks = await stack.app.request("/thanks?embed=1");
    expect(thanks.headers.get("content-security-policy")).toContain("frame-ancestors 'self' https://clinic.example");
    expect(await thanks.text()).not.toContain("<header");

    const bad = await postForm({ email: "nope", form: "embed" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-security-policy")).toContain("frame-ancestors 'self' https://clinic.example");
    const html = await bad.text();
    expect(html).toContain('<input type="hidden" name="form" value="embed"/>');
    expect(html).not.toContain("<header");

    const landingError = await postForm({ email: "nope" });
    expect(landingError.headers.get("content-security-policy")).toContain("frame-ancestors 'self'");
    expect(landingError.headers.get("content-security-policy")).not.toContain("clinic.example");
  });

  it("a bot that fills the honeypot gets the same redirect, and nothing is stored", async () => {
    const email = uniqueEmail("bot");
    const res = await postForm({ email, website: "http://spam.example" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/thanks");
    expect(await stored(email)).toHaveLength(0);
  });

  it("a fetch from the clinic's site (ALLOWED_ORIGINS) passes CORS; another origin gets no CORS grant", async () => {
    const preflight = await stack.app.request("/api/subscribe", {
      method: "OPTIONS",
      headers: { origin: "https://clinic.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://clinic.example");
    const res = await postJson(stack, { email: uniqueEmail("cors") }, { origin: "https://clinic.example" });
    expect(res.status).toBe(202);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://clinic.example");
    const other = await postJson(stack, { email: uniqueEmail("cors") }, { origin: "https://elsewhere.example" });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});
