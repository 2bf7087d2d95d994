import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStack, postJson, type TestStack } from "../support/stack.js";
import { postWebhook, resendEvent, svixHeaders, TEST_WEBHOOK_SECRET } from "../support/svix.js";

/**
 * Issue 30 §5–6: text PostgreSQL cannot store — a NUL, a lone surrogate — is refused at the edge
 * with a 400 naming the field, on every route; and a signed provider event that cannot be
 * processed is stored as unprocessable and answered 200 (Resend retries anything else for days),
 * shown on /admin/failures. Never a 500.
 */
const TOKEN = "unsafe-text-token-".padEnd(40, "u");
const bearer = { authorization: `Bearer ${TOKEN}` };

describe("NUL bytes and lone surrogates", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ env: { ADMIN_TOKEN: TOKEN, RESEND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET } });
  });
  afterAll(() => stack.close());

  const fieldOf = async (res: Response) => {
    const body = (await res.json()) as { error: { code: string; field?: string } };
    return { status: res.status, code: body.error.code, field: body.error.field };
  };

  it.each([
    ["/admin/api/stats?source=a%00b", "source"],
    ["/admin/api/stats?utm_campaign=%00", "utm_campaign"],
    ["/admin?utm_source=a%00b", "utm_source"],
    ["/admin/subscribers?q=a%00b", "q"],
    ["/admin/outbox?q=a%00b", "q"],
    ["/admin/subscribers.csv?source=a%00b", "source"],
  ])("GET %s → 400 naming %s", async (path, field) => {
    expect(await fieldOf(await stack.app.request(path, { headers: bearer }))).toEqual({ status: 400, code: "invalid_input", field });
  });

  it("JSON bodies: a webhook endpoint's description, a signup's source", async () => {
    const endpoint = await stack.app.request("/admin/api/webhook-endpoints", {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json" },
      body: JSON.stringify({ url: "http://127.0.0.1:9/hook", description: "crm\u0000" }),
    });
    expect(await fieldOf(endpoint)).toEqual({ status: 400, code: "invalid_input", field: "description" });
    const signup = await postJson(stack, { email: "lone@example.com", source: "\ud800" });
    expect(await fieldOf(signup)).toEqual({ status: 400, code: "invalid_input", field: "source" });
    expect(await stack.deps.db.sql`select 1 from subscribers where email = 'lone@example.com'`).toHaveLength(0);
  });

  it.each<[string, Record<string, unknown>]>([
    ["NUL in email_id", { data: { email_id: "em_\u0000" } }],
    ["NUL in subject", { data: { subject: "Hello\u0000" } }],
    ["NUL in click.link", { type: "email.clicked", data: { click: { link: "https://x.example/\u0000" } } }],
    ["NUL in bounce.type", { type: "email.bounced", data: { bounce: { type: "Perm\u0000anent" } } }],
    ["created_at not a date", { created_at: "not a date" }],
    ["created_at in year +275760", { created_at: "+275760-09-13T00:00:00.000Z" }],
    ["a lone \\ud800", { data: { subject: "\ud800" } }],
    // Written out, not built: JSON.stringify itself overflows the stack this deep.
    ["nesting 4,108 deep", { data: { extra: "NESTED" } }],
  ])("a signed event with %s is stored as unprocessable and answered 200", async (label, change) => {
    const base = resendEvent("email.delivered", "em_unprocessable");
    const event = { ...base, ...change, data: { ...base.data, ...(change.data as object | undefined) } };
    const body = JSON.stringify(event).replace('"NESTED"', `${'{"a":'.repeat(4108)}"leaf"${"}".repeat(4108)}`);
    const headers = svixHeaders(body);
    const res = await postWebhook(stack, body, headers);
    expect(res.status, label).toBe(200);
    expect(await res.json()).toEqual({ status: "unprocessable" });
    const [row] = await stack.deps.db.sql<{ type: string; reason: string; processed: boolean }[]>`
      select type, payload->>'unprocessable' as reason, processed_at is not null as processed
        from email_events where provider_event_id = ${headers["svix-id"]!}`;
    expect(row).toMatchObject({ type: "unprocessable", processed: true });
    // Resend's retry of the same event is a duplicate, stored once.
    expect(await (await postWebhook(stack, body, svixHeaders(body, { id: headers["svix-id"] }))).json()).toEqual({ status: "duplicate" });

    const page = await stack.app.request("/admin/failures", { headers: bearer });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(headers["svix-id"]);
    expect(html).toContain(row!.reason.replace(/&/g, "&amp;"));
  });
});
