import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leave } from "../../src/campaign/leave.js";
import { GUIDE } from "../../src/guide/content.js";
import { signToken } from "../../src/tokens.js";
import { normalise, pdfText } from "../support/pdf-text.js";
import { BROWSER_UA, waitSettled } from "../support/signals.js";
import { createStack, postJson, TEST_SECRET, uniqueEmail, type TestStack } from "../support/stack.js";

const DAY_MS = 24 * 3600 * 1000;

describe("GET /guide/:token — the personal download link", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack();
  });
  afterAll(() => stack.close());

  async function subscriber(label: string): Promise<string> {
    const email = uniqueEmail(label);
    expect((await postJson(stack, { email })).status).toBe(202);
    const [row] = await stack.deps.db.sql<{ id: string }[]>`select id from subscribers where email = ${email}`;
    return row!.id;
  }

  function guideToken(subject: string, expiresAt = new Date(Date.now() + 30 * DAY_MS)) {
    return signToken(TEST_SECRET, "guide", subject, expiresAt);
  }

  async function downloads(subscriberId: string) {
    return stack.deps.db.sql<{ subscriber_id: string | null; user_agent: string | null; downloaded_at: Date }[]>`
      select subscriber_id, user_agent, downloaded_at from guide_downloads where subscriber_id = ${subscriberId}`;
  }

  const asPerson = { headers: { "user-agent": BROWSER_UA } };

  it("serves the guide as a PDF download with headers fit for a personal link, and records it", async () => {
    const id = await subscriber("reader");
    const before = Date.now();
    const res = await stack.app.request(`/guide/${guideToken(id)}`, asPerson);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="Flare-Up Reset Guide.pdf"');
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("x-robots-tag")).toBe("noindex, nofollow");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Number(res.headers.get("content-length"))).toBe(bytes.length);
    expect(Buffer.from(bytes.subarray(0, 5)).toString("latin1")).toBe("%PDF-");

    const text = await pdfText(bytes);
    for (const section of GUIDE.sections) expect(text).toContain(normalise(section.heading));
    expect(text).toContain(GUIDE.redFlags.heading);
    for (const item of GUIDE.redFlags.groups.flatMap((g) => g.items)) expect(text).toContain(normalise(item));
    expect(text).toMatch(/not medical advice/);

    await waitSettled(stack, id);
    const rows = await downloads(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.user_agent).toBe(BROWSER_UA);
    expect(new Date(rows[0]!.downloaded_at).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it("counts repeat downloads within 10 minutes once, and a HEAD (a link checker) not at all", async () => {
    const id = await subscriber("again");
    const token = guideToken(id);
    const head = await stack.app.request(`/guide/${token}`, { method: "HEAD", ...asPerson });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("application/pdf");
    for (let i = 0; i < 3; i++) expect((await stack.app.request(`/guide/${token}`, asPerson)).status).toBe(200);
    await waitSettled(stack, id);
    expect(await downloads(id)).toHaveLength(1);
    const visits = await stack.deps.db.sql<{ automated: string | null }[]>`
      select automated from link_visits where subscriber_id = ${id} order by id`;
    expect(visits.map((v) => v.automated)).toEqual(["head", null, null, null]);
  });

  it("still works after the reader unsubscribed: they asked for the guide", async () => {
    const id = await subscriber("left");
    expect(await leave(stack.deps.db.sql, id, "unsubscribed")).toBe(true);
    const res = await stack.app.request(`/guide/${guideToken(id)}`, asPerson);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    await waitSettled(stack, id);
    expect(await downloads(id)).toHaveLength(1);
  });

  it("a tampered, truncated, foreign or wrong-kind token gets a friendly 400 page, never the PDF", async () => {
    const id = await subscriber("tamper");
    const good = guideToken(id);
    const [payload, mac] = good.split(".") as [string, string];
    const flipped = mac.slice(0, -2) + (mac.at(-2) === "A" ? "B" : "A") + mac.at(-1);
    // Another subscriber's id in the payload, with this one's MAC.
    const otherPayload = Buffer.from(`g.${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}.zzzzzz`).toString("base64url");
    const bad = [
      `${payload}.${flipped}`,
      good.slice(0, -5),
      `${otherPayload}.${mac}`,
      signToken("another-secret-".padEnd(48, "y"), "guide", id, new Date(Date.now() + DAY_MS)),
      signToken(TEST_SECRET, "unsubscribe", id, null),
      "not-a-token",
    ];
    for (const token of bad) {
      const res = await stack.app.request(`/guide/${encodeURIComponent(token)}`);
      expect(res.status, token).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain("This link doesn&#39;t look right");
      expect(html).toContain('action="/guide/fresh-link"');
      expect(html).not.toContain("%PDF");
    }
    expect(await downloads(id)).toHaveLength(0);
  });

  it("an expired link gets a 410 page with the form to mail a fresh one, and records nothing", async () => {
    const id = await subscriber("expired");
    const res = await stack.app.request(`/guide/${guideToken(id, new Date(Date.now() - 1000))}`);
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(html).toContain("This download link has expired");
    expect(html).toContain("work for 30 days");
    expect(html).toMatch(/<form method="post" action="\/guide\/fresh-link">[\s\S]*<label for="fresh-email">/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await downloads(id)).toHaveLength(0);
  });

  it("the link in the welcome email itself downloads the guide", async () => {
    const workers = await stack.startWorkers();
    try {
      const email = uniqueEmail("welcome");
      expect((await postJson(stack, { email })).status).toBe(202);
      await stack.fake!.waitFor((f) => f.acceptedTo(email).length > 0, 10_000);
      const link = /http:\/\/guide\.test(\/guide\/[A-Za-z0-9_.-]+)/.exec(stack.fake!.acceptedTo(email)[0]!.html ?? "");
      expect(link).not.toBeNull();
      const res = await stack.app.request(link![1]!);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString("latin1")).toBe("%PDF-");
    } finally {
      await workers.close();
    }
  });

  it("a download whose subscriber was deleted still counts, without a subscriber", async () => {
    const id = await subscriber("erased");
    await stack.deps.db.sql`delete from subscribers where id = ${id}`;
    const [{ n: before }] = (await stack.deps.db.sql`select count(*)::int as n from guide_downloads where subscriber_id is null`) as unknown as [{ n: number }];
    expect((await stack.app.request(`/guide/${guideToken(id)}`, asPerson)).status).toBe(200);
    await waitSettled(stack, null);
    const [{ n: after }] = (await stack.deps.db.sql`select count(*)::int as n from guide_downloads where subscriber_id is null`) as unknown as [{ n: number }];
    expect(after).toBe(before + 1);
  });
});
