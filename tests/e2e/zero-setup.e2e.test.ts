import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { chromium } from "playwright-core";
import { queuePrefix } from "../support/env.js";
import { waitFor, waitForRowsTerminal } from "../support/stack.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * The newcomer's path: `npm start` with no DATABASE_URL, no REDIS_URL and no RESEND_API_KEY
 * starts its own PostgreSQL, runs the queue on it, serves a signup and puts the welcome email in
 * the outbox — nothing but Node needed. Then the way in (issue 18): the admin link it prints
 * logs Chromium in, once, and the dashboard and the outbox show that signup.
 */
describe("zero set-up start", () => {
  let child: ChildProcess | undefined;
  let dataDir = "";
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      process.kill(-child.pid!, "SIGTERM");
      await exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("runs API + worker on embedded Postgres alone and the welcome lands in the outbox; SIGTERM stops it all", async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "fur-zero-"));
    await chmod(dataDir, 0o755); // the embedded server runs as "postgres" when we are root
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const pgPort = 30_000 + Math.floor(Math.random() * 10_000);
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" };
    Object.assign(env, {
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      QUEUE_PREFIX: `${queuePrefix(inject("runId"))}-zero`,
      LOG_LEVEL: "info",
    });
    let output = "";
    child = spawn("node_modules/.bin/tsx", ["main.ts"], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));

    await waitFor(async () => {
      if (child!.exitCode !== null) throw new Error(`exited at start:\n${output}`);
      return output.includes("Flare-Up Reset is running");
    }, 90_000, "the service to start", 200).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    const res = await fetch(`http://127.0.0.1:${port}/api/subscribe`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "newcomer@example.com", firstName: "Nia" }),
    });
    expect(res.status).toBe(202);

    const db = postgres(`postgres://postgres:flare-up-reset-local@127.0.0.1:${pgPort}/postgres`, { max: 1 });
    try {
      // The welcome's delivery is sent (terminal: no claim takes it again), so the outbox now
      // holds all it will ever hold for it.
      await waitForRowsTerminal(() => db<{ state: string }[]>`select state::text from deliveries where step = 'welcome'`, 10_000);
      const rows = await db<{ to: string; subject: string; headers: Record<string, string> }[]>`
        select "to", subject, headers from outbox_emails`;
      expect(rows).toHaveLength(1);
      expect(rows[0]!.to).toBe("newcomer@example.com");
      expect(rows[0]!.subject).toBe("Your Flare-Up Reset Guide is here");
      expect(rows[0]!.headers["List-Unsubscribe"]).toContain(`http://localhost:${port}/unsubscribe/`);
    } finally {
      await db.end();
    }
    // The way in (issue 18): the start-up record names the landing page, the outbox and a
    // one-time admin link; the link logs in, and the admin shows the signup and its welcome.
    const running = output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((record) => record.msg === "Flare-Up Reset is running");
    expect(running).toMatchObject({ landing: `http://localhost:${port}/`, outbox: `http://localhost:${port}/admin/outbox` });
    const link = new URL(String(running!.admin));
    expect(link.pathname).toMatch(/^\/admin\/dev-login\//);
    const local = (pathname: string) => `http://127.0.0.1:${port}${pathname}`;
    // Opened as a newcomer would: in a browser (Debian's Chromium through playwright-core).
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage();
      await Promise.all([page.waitForURL(local("/admin")), page.goto(local(link.pathname))]);
      await expect(page.locator("#kpi-signups .value").getAttribute("data-value")).resolves.toBe("1");
      await page.goto(local("/admin/outbox"));
      await page.getByRole("link", { name: "Your Flare-Up Reset Guide is here" }).click();
      await expect(page.locator("#email-headers").textContent()).resolves.toContain("newcomer@example.com");
    } finally {
      await browser.close();
    }
    expect((await fetch(local(link.pathname))).status).toBe(410); // once only

    expect(output).not.toMatch(/"level":50/); // no error logged on the way
    expect(output).toContain("queue on PostgreSQL"); // no Redis was configured

    const exited = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)));
    process.kill(-child.pid!, "SIGTERM");
    expect(await exited).toBe(0);
    // The embedded server went down with it.
    const probe = postgres(`postgres://postgres:flare-up-reset-local@127.0.0.1:${pgPort}/postgres`, { max: 1, connect_timeout: 2 });
    await expect(probe`select 1`).rejects.toThrow();
    await probe.end();
  }, 120_000);
});
