import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStack, type TestStack } from "../support/stack.js";

/**
 * Issue 30 §4: a failed query must not carry its values into the log. Faults are injected at the
 * real boundary — a constraint that refuses every new row, in this file's own database — and the
 * captured log (stack.logs) is searched for the secret.
 */
const TOKEN = "log-secrets-token-".padEnd(40, "l");
const SECRET = "s3cret-path-7f1c9a";

describe("no query values in the logs", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createStack({ env: { ADMIN_TOKEN: TOKEN } });
  });
  afterAll(() => stack.close());

  it("an insert that fails logs the error, never the endpoint's URL path nor the failing row", async () => {
    await stack.deps.db.sql`alter table webhook_endpoints add constraint refuse_all check (false) not valid`;
    try {
      const res = await stack.app.request("/admin/api/webhook-endpoints", {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ url: `http://127.0.0.1:9/hooks/${SECRET}?key=${SECRET}` }),
      });
      expect(res.status).toBe(500);
    } finally {
      await stack.deps.db.sql`alter table webhook_endpoints drop constraint refuse_all`;
    }
    const failed = stack.logs.filter((line) => line.includes("request failed"));
    expect(failed).toHaveLength(1);
    // The error is there (its type, the constraint, the statement without values) …
    expect(failed[0]).toContain("refuse_all");
    expect(failed[0]).toContain("DrizzleQueryError");
    // … and the secret is nowhere: not in params, the message, the cause's detail, nor any line.
    expect(stack.logs.join("\n")).not.toContain(SECRET);
  });

  it("a postgres.js data exception, logged whole, keeps neither the quoted value nor its parameters", async () => {
    const error = await stack.deps.db.sql`select ${SECRET}::uuid`.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toContain(SECRET); // what would have been logged
    stack.deps.logger.error({ err: error }, "forced failure");
    stack.deps.logger.warn({ err: (error as Error).message }, "forced failure as text");
    const lines = stack.logs.filter((line) => line.includes("forced failure"));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("22P02");
    expect(lines.join("\n")).not.toContain(SECRET);
  });
});
