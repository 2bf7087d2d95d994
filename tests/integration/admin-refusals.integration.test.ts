import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maintenanceTasks } from "../../workers/maintenance-tasks.js";
import { MAINTENANCE_JOBS } from "../../src/queue/jobs.js";
import { createApp } from "../../src/app.js";
import { appDeps, createDeps } from "../../src/deps.js";
import { createStack, type TestStack } from "../support/stack.js";

/**
 * Issue 30 §3 and §7: refusals are counted, not written one by one (one audit row per client,
 * action and window, with a count); failed Bearer checks leave a trace; failed logins do not lock
 * a real Bearer token out; the audit keeps AUDIT_RETENTION_DAYS and its page pages.
 */
const TOKEN = "admin-refusals-token-".padEnd(40, "r");
const ORIGIN = "http://guide.test";

interface AuditRow {
  action: string;
  count: number | null;
}

describe("admin refusals in the audit", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ transport: "outbox", env: { ADMIN_TOKEN: TOKEN, TRUST_PROXY: "true", AUDIT_RETENTION_DAYS: "365" } });
  });
  afterAll(() => stack.close());

  const login = (client: string, password: string) =>
    stack.app.request("/admin/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, "x-forwarded-for": client },
      body: new URLSearchParams({ password }).toString(),
    });
  const bearer = (client: string, token: string) =>
    stack.app.request("/admin/api/stats", { headers: { authorization: `Bearer ${token}`, "x-forwarded-for": client } });
  const auditOf = (client: string) =>
    stack.deps.db.sql<AuditRow[]>`
      select action, (detail->>'count')::int as count from admin_audit where client_address = ${client} order by id`;
  const logLines = (client: string, action: string) =>
    stack.logs.filter((line) => line.includes(`"client":"${client}"`) && line.includes(`"action":"${action}"`));

  it("30 refused logins from one client: 10 rows of failed attempts, then ONE counted row for the 20 rate-limited", async () => {
    const client = "198.51.100.30";
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await login(client, `wrong-${i}`)).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const rows = await auditOf(client);
    expect(rows.filter((r) => r.action === "login.failed")).toHaveLength(10);
    expect(rows.filter((r) => r.action === "login.rate_limited")).toEqual([{ action: "login.rate_limited", count: 20 }]);
    expect(logLines(client, "login.rate_limited")).toHaveLength(1);
  });

  it("the guess budget holds across API processes: another process refuses the address that spent it here", async () => {
    const client = "198.51.100.33";
    for (let i = 0; i < 10; i++) expect((await bearer(client, `wrong-token-${i}-wrong-wrong`)).status).toBe(401);
    const other = createDeps(stack.config, stack.deps.logger);
    try {
      const otherApp = createApp(appDeps(other));
      const answer = await otherApp.request("/admin/api/stats", { headers: { authorization: "Bearer wrong-token-elsewhere-wrong", "x-forwarded-for": client } });
      expect(answer.status).toBe(429);
    } finally {
      await other.close();
    }
  });

  it("20 wrong Bearer tokens leave a trace: one counted row for the failures, one for the refusals", async () => {
    const client = "198.51.100.31";
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await bearer(client, `wrong-token-${i}-wrong-wrong`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(10).fill(429));
    expect(await auditOf(client)).toEqual([
      { action: "bearer.failed", count: 10 },
      { action: "bearer.rate_limited", count: 10 },
    ]);
    expect(logLines(client, "bearer.failed")).toHaveLength(1);
    expect(logLines(client, "bearer.rate_limited")).toHaveLength(1);
  });

  it("failed logins from an address do not lock out the real Bearer token from it", async () => {
    const client = "198.51.100.32";
    for (let i = 0; i < 12; i++) await login(client, `wrong-${i}`);
    expect((await login(client, TOKEN)).status).toBe(429);
    expect((await bearer(client, TOKEN)).status).toBe(200);
  });

  it("keeps AUDIT_RETENTION_DAYS: the maintenance job deletes older rows only", async () => {
    await stack.deps.db.sql`
      insert into admin_audit (actor, client_address, action, at) values
        ('admin (bearer)', '198.51.100.40', 'retention.old', now() - interval '366 days'),
        ('admin (bearer)', '198.51.100.40', 'retention.kept', now() - interval '364 days')`;
    const task = maintenanceTasks(
      {
        sql: stack.deps.db.sql,
        queues: stack.deps.queues,
        logger: stack.deps.logger,
        pendingTtlDays: 7,
        auditRetentionDays: stack.config.auditRetentionDays,
        signals: stack.deps.signals,
        engagementRetentionDays: stack.config.engagementRetentionDays,
      },
      60_000,
    ).find((t) => t.name === MAINTENANCE_JOBS.auditRetention)!;
    expect(await task.run()).toEqual({ forgotten: 1 });
    expect((await auditOf("198.51.100.40")).map((r) => r.action)).toEqual(["retention.kept"]);
  });

  it("the audit page pages: 100 rows, then an older page that continues where it stopped", async () => {
    await stack.deps.db.sql`
      insert into admin_audit (actor, client_address, action)
      select 'admin (bearer)', '198.51.100.50', 'paging.' || n from generate_series(1, 150) n`;
    const headers = { authorization: `Bearer ${TOKEN}`, "x-forwarded-for": "198.51.100.51" };
    const first = await (await stack.app.request("/admin/audit", { headers })).text();
    const actions = (html: string) => [...html.matchAll(/<td>(paging\.\d+) /g)].map((m) => m[1]!);
    expect(actions(first)).toHaveLength(100);
    expect(actions(first)[0]).toBe("paging.150");
    const older = /href="(\/admin\/audit\?before=\d+)"/.exec(first)?.[1];
    expect(older).toBeDefined();
    const second = await (await stack.app.request(older!, { headers })).text();
    expect(actions(second)).toEqual(Array.from({ length: 50 }, (_, i) => `paging.${50 - i}`));
  });
});
