import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type RunningApi } from "../../src/server.js";
import { createStack, type TestStack } from "../support/stack.js";
import { CHROMIUM, CHROMIUM_ARGS, freePort } from "../support/browser.js";

/**
 * Issue 17 in a real browser (Debian's Chromium, playwright-core, a real socket): the queue UI
 * works under the CSP every HTML response now carries, and logging out ends the session on the
 * server, so the cookie a browser held no longer opens the admin.
 */
const TOKEN = "browser-security-token-".padEnd(40, "z");

describe("the admin's security, in a real browser", () => {
  let stack: TestStack;
  let api: RunningApi;
  let context: BrowserContext;
  let page: Page;
  let base = "";
  let scratch = "";
  const cspViolations: string[] = [];

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "fur-admin-security-"));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    stack = await createStack({ transport: "outbox", env: { PUBLIC_URL: base, HOST: "127.0.0.1", ADMIN_TOKEN: TOKEN } });
    api = await startApi(stack.deps, port);
    context = await chromium.launchPersistentContext(path.join(scratch, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    context.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    page = await context.newPage();
    await page.goto(`${base}/admin/login`);
    await page.getByLabel("Admin token").fill(TOKEN);
    await Promise.all([page.waitForURL(`${base}/admin`), page.getByRole("button", { name: "Log in" }).click()]);
  });

  afterAll(async () => {
    await context?.close();
    await api?.close();
    await stack?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("the queue UI renders its queues under its CSP; only the third-party web font is refused", async () => {
    const res = await page.goto(`${base}/admin/queues`);
    expect(res?.headers()["content-security-policy"]).toMatch(/script-src 'self'/);
    await page.waitForSelector("text=maintenance", { timeout: 15_000 });
    // The page asks Google Fonts for a stylesheet; the admin calls no third party (docs/admin-and-stats.md).
    expect(cspViolations.filter((v) => !v.includes("https://fonts.googleapis.com/"))).toEqual([]);
  });

  it("logging out with the page's button ends the session: the cookie it held opens nothing", async () => {
    const session = (await context.cookies(base)).find((c) => c.name === "fur_admin");
    expect(session).toBeDefined();
    const replay = () => fetch(`${base}/admin/api/stats`, { headers: { cookie: `fur_admin=${session!.value}` } });
    expect((await replay()).status).toBe(200);
    await page.goto(`${base}/admin`);
    await Promise.all([page.waitForURL(`${base}/admin/login`), page.getByRole("button", { name: "Log out" }).click()]);
    // Replay the cookie the browser held (as one copied from it would be).
    expect((await replay()).status).toBe(401);
    const fresh = await fetch(`${base}/admin/api/stats`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(fresh.status).toBe(200);
  });
});
