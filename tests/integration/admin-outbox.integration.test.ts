import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStack, postJson, uniqueEmail, waitFor, type TestStack } from "../support/stack.js";

const TOKEN = "outbox-admin-token-".padEnd(40, "o");

/** Issue 18: the outbox as a phone shows it — newest first, search by address, each email whole. */
describe("the admin outbox", () => {
  let stack: TestStack;
  const ana = uniqueEmail("ana.outbox");
  const ben = uniqueEmail("ben.outbox");
  const get = (path: string) => stack.app.request(path, { headers: { authorization: `Bearer ${TOKEN}` } });
  const rowIds = (html: string) => [...html.matchAll(/<tr data-id="(\d+)">/g)].map((m) => Number(m[1]));

  beforeAll(async () => {
    stack = await createStack({ transport: "outbox", env: { ADMIN_TOKEN: TOKEN } });
    await stack.startWorkers();
    // One after the other, so Ben's welcome is the newer one.
    await postJson(stack, { email: ana, firstName: "Ana" });
    await waitFor(async () => (await stack.deps.db.sql`select 1 from outbox_emails where "to" = ${ana}`).length === 1, 10_000, "Ana's welcome");
    await postJson(stack, { email: ben });
    await waitFor(async () => (await stack.deps.db.sql`select 1 from outbox_emails where "to" = ${ben}`).length === 1, 10_000, "Ben's welcome");
  });
  afterAll(() => stack?.close());

  it("lists every email newest first, with its step", async () => {
    const res = await get("/admin/outbox");
    expect(res.status).toBe(200);
    const html = await res.text();
    const ids = rowIds(html);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(html.indexOf(ben)).toBeLessThan(html.indexOf(ana));
    expect(html).toContain('<span class="status">welcome</span>');
  });

  it("finds the emails to an address by any part of it, case aside", async () => {
    const html = await (await get(`/admin/outbox?q=${encodeURIComponent(ana.split("@")[0]!.toUpperCase())}`)).text();
    expect(html).toContain(ana);
    expect(html).not.toContain(ben);
    expect(rowIds(html)).toHaveLength(1);
    expect(html).toContain(`value="${ana.split("@")[0]!.toUpperCase()}"`);
  });

  it("treats % and _ in a search as letters, not wildcards", async () => {
    const html = await (await get("/admin/outbox?q=%25")).text();
    expect(rowIds(html)).toHaveLength(0);
    expect(html).toContain("No email to an address like that.");
  });

  it("shows one email in a 375 px frame and a desktop frame, with its text, headers and step", async () => {
    const [row] = await stack.deps.db.sql<{ id: number }[]>`select id from outbox_emails where "to" = ${ana}`;
    const res = await get(`/admin/outbox/${row!.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const frames = [...html.matchAll(/<iframe class="email" sandbox="" src="([^"]+)" title="([^"]+)"/g)];
    expect(frames.map((f) => f[1])).toEqual([`/admin/outbox/${row!.id}/html`, `/admin/outbox/${row!.id}/html`]);
    expect(frames[0]![2]).toContain("375 pixels");
    expect(html).toMatch(/<figure class="frame phone">[^]*Phone, 375 px/);
    expect(html).toMatch(/<th>Step<\/th><td><span class="status">welcome<\/span>/);
    expect(html).toMatch(/<th>List-Unsubscribe<\/th><td><code>&lt;http:\/\/guide\.test\/unsubscribe\//);
    expect(html).toMatch(/<pre id="email-text">[^<]*Ana/);
    // The frames' source is the email itself, sandboxed by its own CSP.
    const email = await get(`/admin/outbox/${row!.id}/html`);
    expect(email.headers.get("content-security-policy")).toMatch(/^sandbox;/);
  });
});
