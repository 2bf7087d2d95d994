import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type RunningApi } from "../../src/server.js";
import { CHROMIUM, CHROMIUM_ARGS, freePort } from "../support/browser.js";
import { BROWSER_UA } from "../support/signals.js";
import { createStack, postJson, uniqueEmail, waitFor, type TestStack } from "../support/stack.js";

/**
 * DESIGN.md invariant 9 in a real browser: the confirm link is one visit for a person (the page's
 * script POSTs at once) and a button without scripts; the consent record names the browser that
 * made the POST. A filter's fetch of the same link changes nothing (tests/integration/
 * double-opt-in.integration.test.ts and signals.integration.test.ts cover the machines).
 */
describe("double opt-in in one visit, in Chromium", () => {
  let stack: TestStack;
  let api: RunningApi;
  let browser: Browser;
  let base = "";
  let scratch = "";

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "fur-confirm-"));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    stack = await createStack({ transport: "outbox", env: { PUBLIC_URL: base, HOST: "127.0.0.1", PORT: String(port), DOUBLE_OPT_IN: "true" } });
    api = await startApi(stack.deps, port);
    await stack.startWorkers();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await stack?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function confirmLinkFor(label: string): Promise<{ email: string; link: string }> {
    const email = uniqueEmail(label);
    expect((await postJson(stack, { email })).status).toBe(202);
    const html = await waitFor(
      async () => (await stack.deps.db.sql<{ html: string }[]>`select html from outbox_emails where "to" = ${email} and step = 'confirm'`)[0]?.html,
      15_000,
      "the confirmation email in the outbox",
    );
    const link = new RegExp(`${base.replaceAll(".", "\\.")}/confirm/[A-Za-z0-9_.-]+`).exec(html)?.[0];
    expect(link).toBeDefined();
    return { email, link: link! };
  }

  const statusOf = async (email: string) =>
    (await stack.deps.db.sql<{ status: string }[]>`select status from subscribers where email = ${email}`)[0]?.status;

  it("with scripts: opening the link confirms, with no further click, and the consent names this browser", async () => {
    const { email, link } = await confirmLinkFor("one-visit");
    const context = await browser.newContext({ userAgent: `${BROWSER_UA} OneVisit/1` });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    // The page's own POST, sent by its script: the signal that the visit did its work.
    const posted = page.waitForResponse((r) => r.request().method() === "POST" && r.url() === link);
    await page.goto(link);
    expect((await posted).status()).toBe(200);
    await page.waitForLoadState("load");
    await expect(page.locator("h1").textContent()).resolves.toBe("Thank you — you are confirmed");
    expect(await statusOf(email)).toBe("active");
    const consents = await stack.deps.db.sql<{ kind: string; user_agent: string; ip: string }[]>`
      select c.kind, c.user_agent, c.ip from consents c join subscribers s on s.id = c.subscriber_id
       where s.email = ${email} order by c.id`;
    expect(consents.map((c) => c.kind)).toEqual(["signup", "confirm"]);
    expect(consents[1]!.user_agent).toBe(`${BROWSER_UA} OneVisit/1`);
    expect(consents[1]!.ip).toBe("127.0.0.1");
    expect(violations).toEqual([]);
    await context.close();
  });

  it("without scripts: the page asks, nothing changes until the button is pressed, then it confirms", async () => {
    const { email, link } = await confirmLinkFor("no-script");
    const context = await browser.newContext({ javaScriptEnabled: false, userAgent: BROWSER_UA });
    const page = await context.newPage();
    await page.goto(link);
    await expect(page.locator("h1").textContent()).resolves.toBe("Confirming your email address…");
    expect(await statusOf(email)).toBe("pending");
    const [posted] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && r.url() === link),
      page.getByRole("button", { name: "Yes, send me the guide" }).click(),
    ]);
    expect(posted.status()).toBe(200);
    await page.waitForLoadState("load");
    await expect(page.locator("h1").textContent()).resolves.toBe("Thank you — you are confirmed");
    expect(await statusOf(email)).toBe("active");
    await context.close();
  });
});
