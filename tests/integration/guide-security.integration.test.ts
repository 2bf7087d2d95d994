import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../src/tokens.js";
import { BROWSER_UA, waitSettled } from "../support/signals.js";
import { createStack, postJson, TEST_SECRET, uniqueEmail, waitFor, type TestStack } from "../support/stack.js";

/** The guide's links under attack (issue 17): inflated download counts, and timing on "mail me a fresh link". */
describe("guide links under attack", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ transport: "outbox" });
  });
  afterAll(() => stack.close());

  async function subscriber(label: string): Promise<{ id: string; email: string }> {
    const email = uniqueEmail(label);
    expect((await postJson(stack, { email })).status).toBe(202);
    const [row] = await stack.deps.db.sql<{ id: string }[]>`select id from subscribers where email = ${email}`;
    return { id: row!.id, email };
  }
  const downloads = async (id: string) =>
    ((await stack.deps.db.sql`select count(*)::int as n from guide_downloads where subscriber_id = ${id}`) as unknown as [{ n: number }])[0].n;

  it("counts a subscriber's repeat downloads within 10 minutes once, however many and however fast", async () => {
    const { id } = await subscriber("hammer");
    const path = `/guide/${signToken(TEST_SECRET, "guide", id, new Date(Date.now() + 3600_000))}`;
    const asPerson = { headers: { "user-agent": BROWSER_UA } };
    const answers = await Promise.all(Array.from({ length: 40 }, () => stack.app.request(path, asPerson)));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    for (let i = 0; i < 10; i++) expect((await stack.app.request(path, asPerson)).status).toBe(200);
    await waitSettled(stack, id);
    expect(await downloads(id)).toBe(1);
    // A download in a later window counts again (the stored one is moved an hour back).
    await stack.deps.db.sql`update guide_downloads set counted_window = counted_window - 6, downloaded_at = downloaded_at - interval '1 hour' where subscriber_id = ${id}`;
    expect((await stack.app.request(path, asPerson)).status).toBe(200);
    await waitSettled(stack, id);
    expect(await downloads(id)).toBe(2);
  });

  it("answers an oversized fresh-link form with 413, not a 400 page", async () => {
    const res = await stack.app.request("/guide/fresh-link", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `email=${"a".repeat(5000)}%40example.com`,
    });
    expect(res.status).toBe(413);
  });
});
