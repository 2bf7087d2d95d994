import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seed } from "../../bench/stats.js";
import { rebuildStats } from "../../src/db/queries/stats.js";
import { startApi, type RunningApi } from "../../src/server.js";
import { createStack, type TestStack } from "../support/stack.js";
import { oracleStats } from "../support/stats-oracle.js";
import { CHROMIUM, CHROMIUM_ARGS, freePort } from "../support/browser.js";

/**
 * The admin's side in Debian's Chromium (playwright-core): log in, read the numbers (the same
 * as a brute-force count of the database), search a subscriber, open their page, export the
 * CSV. A real socket, the real API. UPDATE_DOCS_SCREENSHOTS=1 refreshes docs/admin-dashboard.png.
 */
const UPDATE_DOCS = process.env.UPDATE_DOCS_SCREENSHOTS === "1";
const TOKEN = "browser-admin-token-".padEnd(40, "b");
const SUBSCRIBERS = 2400;

describe("the admin dashboard, in a real browser", () => {
  let stack: TestStack;
  let api: RunningApi;
  let context: BrowserContext;
  let page: Page;
  let base = "";
  let scratch = "";
  const cspViolations: string[] = [];

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "fur-admin-browser-"));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    stack = await createStack({ transport: "outbox", env: { PUBLIC_URL: base, HOST: "127.0.0.1", ADMIN_TOKEN: TOKEN } });
    // Six weeks of a growing list: sources, statuses, every step, webhook events, downloads.
    await seed(stack.deps.db.sql, SUBSCRIBERS, 5, { days: 42, growth: 1.6 });
    await rebuildStats(stack.deps.db.sql);
    api = await startApi(stack.deps, port);
    context = await chromium.launchPersistentContext(path.join(scratch, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1360, height: 1000 },
      args: CHROMIUM_ARGS,
    });
    context.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await api?.close();
    await stack?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("sends a visitor to the login page, refuses a wrong token, lets the right one in", async () => {
    await page.goto(`${base}/admin`);
    expect(new URL(page.url()).pathname).toBe("/admin/login");
    await page.getByLabel("Admin token").fill("not the token");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("That is not the admin token.");
    await page.getByLabel("Admin token").fill(TOKEN);
    await Promise.all([page.waitForURL(`${base}/admin`), page.getByRole("button", { name: "Log in" }).click()]);
    const cookies = await context.cookies(base);
    const session = cookies.find((c) => c.name === "fur_admin");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict" });
  });

  it("shows the numbers the database holds, with the chart drawn", async () => {
    const truth = await oracleStats(stack.deps.db.sql);
    const value = async (id: string) => Number(await page.locator(`#${id} .value`).getAttribute("data-value"));
    expect(await value("kpi-signups")).toBe(truth.subscribers.total);
    expect(await value("kpi-active")).toBe(truth.subscribers.active);
    expect(await value("kpi-guide")).toBe(truth.guide.uniqueSubscribers);
    const welcome = page.locator('#steps-table tr[data-step="welcome"] td');
    await expect(welcome.nth(1).textContent()).resolves.toBe(truth.steps.get("welcome")!.sent.toLocaleString("en-US"));
    // uPlot (served from the project) drew the signups chart under the page's CSP.
    await page.waitForSelector('#signups-chart[data-ready="true"] canvas');
    expect(cspViolations).toEqual([]);
    const shot = path.join(scratch, "admin-dashboard.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect((await readFile(shot)).subarray(1, 4).toString()).toBe("PNG");
    if (UPDATE_DOCS) await copyFile(shot, path.resolve("docs/admin-dashboard.png"));
  });

  it("searches a subscriber and opens their page", async () => {
    await page.getByRole("navigation").getByRole("link", { name: "Subscribers" }).click();
    await page.getByLabel("Email starts with").fill("bench-42@");
    await Promise.all([page.waitForURL(/q=bench-42%40/), page.getByRole("button", { name: "Search" }).click()]);
    const link = page.getByRole("link", { name: "bench-42@bench.example" });
    await expect(link.count()).resolves.toBe(1);
    await link.click();
    await expect(page.locator("h1").textContent()).resolves.toContain("bench-42@bench.example");
    await expect(page.locator(".timeline").textContent()).resolves.toContain("Signed up");
  });

  it("exports the list as CSV, one line per subscriber", async () => {
    await page.getByRole("navigation").getByRole("link", { name: "Subscribers" }).click();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export all as CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^subscribers-\d{4}-\d\d-\d\d\.csv$/);
    const file = path.join(scratch, "export.csv");
    await download.saveAs(file);
    const lines = (await readFile(file, "utf8")).trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^id,email,/);
    expect(lines).toHaveLength(SUBSCRIBERS + 1);
    expect(lines.some((l) => l.includes(",bench-42@bench.example,"))).toBe(true);
  });
});
