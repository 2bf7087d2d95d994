import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LINK_MINUTES, devLoginPath } from "../../src/admin/dev-login.js";
import { bootstrap } from "../../src/bootstrap.js";
import { createStack, type TestStack } from "../support/stack.js";

/**
 * Issue 18's way in: with ADMIN_TOKEN unset outside production, bootstrap keeps a development
 * admin token in DATA_DIR and the API honours one-time login links; production makes neither.
 */
const TOKEN = "dev-admin-token-".padEnd(40, "d");
const PRODUCTION = {
  NODE_ENV: "production",
  APP_SECRET: "p".repeat(48),
  POSTAL_ADDRESS: "1 Test Street",
  PUBLIC_URL: "https://guide.test",
  CLINIC_NAME: "Test Clinic",
  EMAIL_FROM: "Test Clinic <guide@clinic.test>",
  EMAIL_REPLY_TO: "care@clinic.test",
};
const cookieOf = (res: Response) => /^([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];

describe("the development admin token (bootstrap)", () => {
  let dataDir = "";
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "fur-dev-admin-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));
  // A DATABASE_URL keeps bootstrap from starting an embedded server; nothing connects to it.
  const base = { DATABASE_URL: "postgres://127.0.0.1:1/unused", LOG_LEVEL: "silent" };
  const env = () => ({ ...base, DATA_DIR: dataDir });

  it("is made once in development, kept in DATA_DIR (0600) and read back on the next start", async () => {
    const first = await bootstrap({ ...env(), NODE_ENV: "development" });
    expect(first.config.developmentAdmin).toBe(true);
    expect(first.config.adminToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const file = path.join(dataDir, "admin-token");
    expect((await readFile(file, "utf8")).trim()).toBe(first.config.adminToken);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const second = await bootstrap({ ...env(), NODE_ENV: "development" });
    expect(second.config.adminToken).toBe(first.config.adminToken);
  });

  it("is not made when ADMIN_TOKEN is set", async () => {
    const given = await bootstrap({ ...env(), NODE_ENV: "development", ADMIN_TOKEN: TOKEN });
    expect(given.config).toMatchObject({ adminToken: TOKEN, developmentAdmin: false });
  });

  it("is never made in production: no token, the admin stays closed", async () => {
    const prodDir = await mkdtemp(path.join(tmpdir(), "fur-prod-admin-"));
    try {
      const prod = await bootstrap({ ...base, ...PRODUCTION, DATA_DIR: prodDir });
      expect(prod.config.adminToken).toBeUndefined();
      expect(prod.config.developmentAdmin).toBe(false);
      await expect(stat(path.join(prodDir, "admin-token"))).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(prodDir, { recursive: true, force: true });
    }
  });
});

describe("the one-time admin login link", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ transport: "outbox", developmentAdmin: true, env: { ADMIN_TOKEN: TOKEN } });
  });
  afterAll(() => stack?.close());

  const open = (link: string) => stack.app.request(devLoginPath(link));
  const dashboard = (cookie: string | undefined) => stack.app.request("/admin", { headers: cookie ? { cookie } : {} });

  it("logs the browser in once: a session cookie that opens the dashboard", async () => {
    const link = stack.deps.devLogin!.mint();
    const res = await open(link);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toContain('<meta http-equiv="refresh" content="0;url=/admin"');
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/^fur_admin=/);
    expect(res.headers.get("set-cookie")).toMatch(/HttpOnly/i);
    const page = await dashboard(cookie);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Signups per day");
  });

  it("refuses the same link a second time, without a cookie", async () => {
    const link = stack.deps.devLogin!.mint();
    expect((await open(link)).status).toBe(200);
    const again = await open(link);
    expect(again.status).toBe(410);
    expect(cookieOf(again)).toBeUndefined();
    expect(await again.text()).toContain("used already");
  });

  it("refuses a tampered link (signature, expiry or nonce changed) and a made-up one", async () => {
    const link = stack.deps.devLogin!.mint();
    const [nonce = "", expiry = "", mac = ""] = link.split(".");
    const flip = (s: string) => s.slice(0, -2) + (s.at(-2) === "A" ? "B" : "A") + s.at(-1);
    for (const bad of [`${nonce}.${expiry}.${flip(mac)}`, `${nonce}.${Number(expiry) + 3600}.${mac}`, `${flip(nonce)}.${expiry}.${mac}`]) {
      const res = await open(bad);
      expect(res.status).toBe(403);
      expect(cookieOf(res)).toBeUndefined();
    }
    expect((await open("not-a-link")).status).toBe(403);
    // The genuine link was not spent by the failed attempts.
    expect((await open(link)).status).toBe(200);
  });

  it(`refuses a link older than ${LINK_MINUTES} minutes`, async () => {
    const link = stack.deps.devLogin!.mint(Date.now() - (LINK_MINUTES * 60 + 1) * 1000);
    const res = await open(link);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain("expired");
  });

  it("opens nothing with a link another process (or a previous start) minted", async () => {
    const { DevLoginLinks } = await import("../../src/admin/dev-login.js");
    const elsewhere = new DevLoginLinks({ appSecret: stack.config.appSecret, adminToken: TOKEN }).mint();
    expect((await open(elsewhere)).status).toBe(410);
  });
});

describe("production", () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Even if a development flag leaked into a production config, no link is honoured.
    stack = await createStack({ transport: "outbox", developmentAdmin: true, env: { ...PRODUCTION, ADMIN_TOKEN: TOKEN } });
  });
  afterAll(() => stack?.close());

  it("has no login links and no such route", async () => {
    expect(stack.deps.devLogin).toBeUndefined();
    const res = await stack.app.request(devLoginPath("x".repeat(22) + ".1." + "y".repeat(43)));
    expect(res.status).toBe(404);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});
