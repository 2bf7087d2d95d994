import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyToken } from "../../src/tokens.js";
import { CONSENT_FORM_VERSION, CONSENT_WORDING } from "../../src/campaign/consent.js";
import { TEST_QUEUE_BACKEND } from "../support/env.js";
import { createStack, postJson, TEST_SECRET, uniqueEmail, waitFor, waitForQuiet, waitForRowsTerminal, type TestStack } from "../support/stack.js";

describe("signup → welcome email, end to end", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack();
    await stack.startWorkers();
  });
  afterAll(() => stack.close());

  it("answers 202 and the welcome reaches the provider with headers, tag and idempotency key", async () => {
    const email = uniqueEmail("ana");
    const res = await postJson(
      stack,
      { email: `  ${email.toUpperCase()} `, firstName: "Ana", timezone: "Europe/Lisbon", source: "article", utm_source: "blog" },
      { "user-agent": "TestBrowser/1.0" },
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "ok" });

    const fake = stack.fake!;
    await fake.waitFor((f) => f.acceptedTo(email).length > 0, 5000);
    const [sent] = fake.acceptedTo(email);
    const [subscriber] = await stack.deps.db.sql<{ id: string; email: string; first_name: string; timezone: string; source: string; utm_source: string; status: string }[]>`
      select * from subscribers where email = ${email}`;
    expect(subscriber).toMatchObject({ email, first_name: "Ana", timezone: "Europe/Lisbon", source: "article", utm_source: "blog", status: "active" });

    expect(sent!.to).toEqual([email]);
    // The name greets inside, never in the subject (a lock screen shows it; issue 15).
    expect(sent!.subject).not.toContain("Ana");
    expect(sent!.text).toContain("Hi Ana,");
    expect(sent!.tags).toEqual([{ name: "step", value: "welcome" }]);
    expect(sent!.idempotencyKey).toBe(`fur-welcome-${subscriber!.id}`);
    const unsubscribe = sent!.headers!["List-Unsubscribe"]!;
    expect(unsubscribe).toMatch(/^<http:\/\/guide\.test\/unsubscribe\/[^>]+>$/);
    expect(sent!.headers!["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    // The footer carries the same unsubscribe link as the header.
    expect(sent!.html).toContain(unsubscribe.slice(1, -1));
    expect(sent!.text).toContain(unsubscribe.slice(1, -1));

    const guide = /http:\/\/guide\.test\/guide\/([A-Za-z0-9_.-]+)/.exec(sent!.html ?? "");
    expect(guide).not.toBeNull();
    const check = verifyToken(TEST_SECRET, guide![1] ?? "", "guide");
    expect(check).toMatchObject({ ok: true, subject: subscriber!.id });
    expect(sent!.text).toContain(guide![0]);

    const [consent] = await stack.deps.db.sql<{ ip: string | null; user_agent: string; wording: string; form_version: string; kind: string }[]>`
      select * from consents where subscriber_id = ${subscriber!.id}`;
    expect(consent).toMatchObject({ kind: "signup", user_agent: "TestBrowser/1.0", wording: CONSENT_WORDING, form_version: CONSENT_FORM_VERSION });

    const delivery = await waitFor(async () => {
      const [row] = await stack.deps.db.sql<{ state: string; provider_message_id: string; attempts: number }[]>`
        select state, provider_message_id, attempts from deliveries where subscriber_id = ${subscriber!.id} and step = 'welcome'`;
      return row?.state === "sent" ? row : undefined;
    });
    expect(delivery.provider_message_id).toBe(sent!.id);
    expect(delivery.attempts).toBe(1);
    // The next step is already scheduled in Postgres.
    const [next] = await stack.deps.db.sql<{ step: string; state: string }[]>`
      select step, state from deliveries where subscriber_id = ${subscriber!.id} and step <> 'welcome'`;
    expect(next).toEqual({ step: "triggers", state: "scheduled" });
  });

  it("signing up again, in any spelling or all at once, sends one welcome and answers the same", async () => {
    const email = uniqueEmail("twice");
    const variants = [email, email.toUpperCase(), ` ${email} `, email, email, email, email, email];
    const responses = await Promise.all(variants.map((e) => postJson(stack, { email: e })));
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(responses.map((r) => r.status)).toEqual(variants.map(() => 202));
    expect(new Set(bodies)).toEqual(new Set(['{"status":"ok"}']));

    await stack.fake!.waitFor((f) => f.acceptedTo(email).length > 0, 5000);
    const again = await postJson(stack, { email });
    expect(again.status).toBe(202);
    // Its enqueue follows the 202: once the reconciler has passed, the queue is empty and the
    // provider idle, a second welcome would have been sent.
    await waitForQuiet(stack);
    expect(stack.fake!.acceptedTo(email)).toHaveLength(1);
    const [{ count }] = (await stack.deps.db.sql`select count(*)::int as count from subscribers where email = ${email}`) as unknown as [{ count: number }];
    expect(count).toBe(1);
  });

  it("a crowd of signups at once is group-committed: every reader stored once, every welcome sent once", async () => {
    const emails = Array.from({ length: 120 }, () => uniqueEmail("crowd"));
    const requests = [...emails, ...emails.slice(0, 20).map((e) => e.toUpperCase())]; // some twice, at once
    const responses = await Promise.all(requests.map((email) => postJson(stack, { email })));
    expect(responses.every((r) => r.status === 202)).toBe(true);
    // Each 202 came after its row was committed: all are there the moment the last answer is in.
    const [{ n }] = (await stack.deps.db.sql`
      select count(*)::int as n from subscribers s join deliveries d on d.subscriber_id = s.id and d.step = 'welcome'
       where s.email = any(${emails})`) as unknown as [{ n: number }];
    expect(n).toBe(120);
    await stack.fake!.waitFor((f) => emails.every((e) => f.acceptedTo(e).length >= 1), 15_000);
    await waitForRowsTerminal(() => stack.deps.db.sql<{ state: string }[]>`
      select d.state from subscribers s join deliveries d on d.subscriber_id = s.id and d.step = 'welcome'
       where s.email = any(${emails})`);
    await waitForQuiet(stack);
    for (const email of emails) expect(stack.fake!.acceptedTo(email)).toHaveLength(1);
  });

  it("a form post is answered with a redirect to /thanks", async () => {
    const email = uniqueEmail("form");
    const res = await stack.app.request("/api/subscribe", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, firstName: "Bea", website: "" }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/thanks");
    await stack.fake!.waitFor((f) => f.acceptedTo(email).length === 1, 5000);
  });

  it("runs on the queue backend this test project asked for", async () => {
    expect(stack.config.queueBackend).toBe(TEST_QUEUE_BACKEND);
    expect(stack.deps.queues.backend).toBe(TEST_QUEUE_BACKEND);
    const [{ n }] = (await stack.deps.db.sql`
      select count(*)::int as n from information_schema.tables where table_schema = 'bullmq' and table_name = 'job'`) as unknown as [{ n: number }];
    expect(n).toBe(1); // BullMQ's schema is migrated in every database; used only on Postgres
  });

  it("healthz and readyz answer", async () => {
    expect((await stack.app.request("/healthz")).status).toBe(200);
    const ready = await stack.app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ok", checks: { postgres: "ok", queue: "ok" } });
  });
});
