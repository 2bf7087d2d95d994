import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seed } from "../../bench/stats.js";
import { devLoginPath } from "../../src/admin/dev-login.js";
import { rebuildStats } from "../../src/db/queries/stats.js";
import { startApi, type RunningApi } from "../../src/server.js";
import { createStack, postJson, waitFor, type TestStack } from "../support/stack.js";
import { CHROMIUM, CHROMIUM_ARGS, freePort } from "../support/browser.js";

/**
 * Issue 18: a clinic owner checks the numbers on a phone. Every admin page at 390 px in Debian's
 * Chromium (playwright-core, a phone viewport): nothing wider than the screen, the header across
 * it. The way in is the development login link, as a newcomer's browser opens it.
 */
const TOKEN = "phone-admin-token-".padEnd(40, "f");
const PHONE = { width: 390, height: 844 };

describe("the admin on a phone (390 px)", () => {
  let stack: TestStack;
  let api: RunningApi;
  let context: BrowserContext;
  let page: Page;
  let base = "";
  let scratch = "";
  // A long address: the kind of unbroken text that widens a table.
  const reader = `a-very-long-address-for-a-narrow-screen-${Date.now()}@example-clinic-patients.com`;
  let readerId = "";
  let outboxId = 0;
  let endpointId = "";

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "fur-admin-phone-"));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    stack = await createStack({
      transport: "outbox",
      developmentAdmin: true,
      env: { PUBLIC_URL: base, HOST: "127.0.0.1", ADMIN_TOKEN: TOKEN },
    });
    await seed(stack.deps.db.sql, 400, 5, { days: 42, growth: 1.6 });
    await rebuildStats(stack.deps.db.sql);
    await stack.startWorkers();
    expect((await postJson(stack, { email: reader, firstName: "Rae", source: "a-source-label-that-is-rather-long" })).status).toBe(202);
    const [row] = await waitFor(
      async () => {
        const rows = await stack.deps.db.sql<{ id: number; subscriberId: string }[]>`
          select o.id, s.id as "subscriberId" from outbox_emails o join subscribers s on s.email = o."to" where o."to" = ${reader}`;
        return rows.length > 0 && rows;
      },
      10_000,
      "the reader's welcome in the outbox",
    );
    outboxId = row!.id;
    readerId = row!.subscriberId;
    // A webhook endpoint with a long URL and a log line, then disabled: the list shows why, prominently.
    const created = await stack.app.request("/admin/api/webhook-endpoints", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ url: `http://127.0.0.1:1/${"a-long-receiver-path-".repeat(6)}`, description: "n8n on the LAN" }),
    });
    expect(created.status).toBe(201);
    endpointId = ((await created.json()) as { id: string }).id;
    const test = await stack.app.request(`/admin/api/webhook-endpoints/${endpointId}/test`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(test.status).toBe(202);
    await waitFor(
      async () => (await stack.deps.db.sql`select 1 from webhook_attempts a join deliveries d on d.id = a.delivery_id where d.endpoint_id = ${endpointId}`).length > 0,
      10_000,
      "the webhook call's first attempt in the log",
    );
    await stack.deps.db.sql`
      update webhook_endpoints set status = 'disabled', disabled_at = now(),
             disabled_reason = 'every attempt failed since 2026-01-01 00:00 UTC' where id = ${endpointId}`;
    api = await startApi(stack.deps, port);
    context = await chromium.launchPersistentContext(path.join(scratch, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      args: CHROMIUM_ARGS,
    });
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await api?.close();
    await stack?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  /** How wide the page is against the screen, and the header's width, once the page has settled. */
  async function measure(url: string) {
    const response = await page.goto(`${base}${url}`, { waitUntil: "load" });
    expect(response?.status(), url).toBeLessThan(400);
    expect(new URL(page.url()).pathname, `${url} kept the session`).not.toBe("/admin/login");
    // Evaluated in the page (hence strings: the test's own types know no DOM).
    return (await page.evaluate(`({
      page: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
      screen: window.innerWidth,
      header: document.querySelector("body > header")?.getBoundingClientRect().width,
    })`)) as { page: number; screen: number; header: number | undefined };
  }

  it("logs in through the one-time development link", async () => {
    const link = stack.deps.devLogin!.mint();
    await Promise.all([page.waitForURL(`${base}/admin`), page.goto(`${base}${devLoginPath(link)}`)]);
    await expect(page.locator("#kpi-signups .value").getAttribute("data-value")).resolves.toBe("401");
  });

  it("every admin page fits the screen, and the header spans it", async () => {
    const pages = [
      "/admin",
      "/admin?from=2026-01-01&to=2026-12-31&source=article",
      "/admin/subscribers",
      `/admin/subscribers?q=${encodeURIComponent(reader.slice(0, 12))}`,
      `/admin/subscribers/${readerId}`,
      "/admin/failures",
      "/admin/outbox",
      `/admin/outbox?q=${encodeURIComponent(reader.slice(0, 12))}`,
      `/admin/outbox/${outboxId}`,
      "/admin/audit",
      "/admin/webhooks",
      `/admin/webhooks/${endpointId}`,
    ];
    const overflowing: string[] = [];
    for (const url of pages) {
      const m = await measure(url);
      // A phone zooms out to fit what overflows: the layout viewport then grows past 390 px too.
      if (Math.max(m.page, m.screen) > PHONE.width) overflowing.push(`${url}: ${m.page} px wide, viewport ${m.screen} px`);
      else expect(m.header, `${url}: header`).toBe(PHONE.width);
    }
    expect(overflowing).toEqual([]);
  });

  it("the queue UI (bull-board) fits the screen too", async () => {
    const m = await measure("/admin/queues");
    expect(Math.max(m.page, m.screen)).toBeLessThanOrEqual(PHONE.width);
  });

  it("wide tables scroll inside their card instead", async () => {
    await measure("/admin");
    const table = (await page.evaluate(`(() => {
      const el = document.getElementById("steps-table");
      const card = el.closest(".card");
      return { table: el.scrollWidth, card: card.clientWidth, scrolls: card.scrollWidth > card.clientWidth };
    })()`)) as { table: number; card: number; scrolls: boolean };
    expect(table.table).toBeGreaterThan(table.card);
    expect(table.scrolls).toBe(true);
  });

  it("the chart is drawn with the phone's ticks", async () => {
    await measure("/admin");
    await page.waitForSelector('#signups-chart[data-ready="true"] canvas');
    const narrow = (await page.evaluate(`JSON.parse(document.getElementById("signups-axis").textContent).narrow.labels`)) as string[];
    expect(narrow.length).toBeGreaterThan(0);
    expect(narrow.length).toBeLessThanOrEqual(5);
    await expect(page.locator("#signups-chart").getAttribute("data-ticks")).resolves.toBe(narrow.join("|"));
  });

  it("the outbox shows the email in a 375 px frame", async () => {
    await measure(`/admin/outbox/${outboxId}`);
    const box = await page.locator(".frame.phone iframe").boundingBox();
    expect(box?.width).toBe(375);
    const text = await page.frameLocator(".frame.phone iframe").locator("body").textContent();
    expect(text).toContain("Rae");
  });
});
