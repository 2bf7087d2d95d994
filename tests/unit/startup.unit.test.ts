import { describe, expect, it } from "vitest";
import { describeUrl, startupBanner, startupFacts, startupFields, type StartupFacts } from "../../src/banner.js";
import { logFormat } from "../../src/logger.js";

describe("how the logs are rendered", () => {
  it("is pretty only for a person at a terminal in development", () => {
    expect(logFormat("development", true)).toBe("pretty");
  });

  it("stays JSON for pipes, CI, tests and production, terminal or not", () => {
    expect(logFormat("development", false)).toBe("json");
    expect(logFormat("production", true)).toBe("json");
    expect(logFormat("production", false)).toBe("json");
    expect(logFormat("test", true)).toBe("json");
  });
});

const facts = (over: Partial<StartupFacts> = {}): StartupFacts => ({
  mode: "all",
  env: "development",
  publicUrl: "http://localhost:3000",
  embedded: { dataDir: ".data", port: 54329 },
  databaseUrl: "postgres://postgres:flare-up-reset-local@127.0.0.1:54329/postgres",
  queueBackend: "postgres",
  redisUrl: undefined,
  transport: "outbox",
  admin: { kind: "link", url: "http://localhost:3000/admin/dev-login/abc", minutes: 15, tokenFile: ".data/admin-token" },
  ...over,
});

describe("the start-up banner", () => {
  it("says what runs and where: database, queue, email, landing, outbox and the admin link", () => {
    const text = startupBanner(facts());
    expect(text).toContain("Flare-Up Reset is running");
    expect(text).toMatch(/database +embedded PostgreSQL in \.data \(port 54329\)/);
    expect(text).toMatch(/queue +BullMQ on PostgreSQL/);
    expect(text).toMatch(/emails +kept in the outbox/);
    expect(text).toMatch(/landing +http:\/\/localhost:3000\/\n/);
    expect(text).toMatch(/outbox +http:\/\/localhost:3000\/admin\/outbox\n/);
    expect(text).toMatch(/admin +http:\/\/localhost:3000\/admin\/dev-login\/abc\n +\(opens the admin .*once, within 15 minutes.*\.data\/admin-token\)/);
    // A few plain lines: no JSON, no colour codes.
    expect(text.trim().split("\n").length).toBeLessThanOrEqual(9);
    expect(text).not.toMatch(/[{}\u001b]/);
  });

  it("gives a program the same facts as fields, the admin link a bare URL", () => {
    expect(startupFields(facts())).toMatchObject({
      landing: "http://localhost:3000/",
      outbox: "http://localhost:3000/admin/outbox",
      admin: "http://localhost:3000/admin/dev-login/abc",
    });
  });

  it("never shows a database or Redis password", () => {
    const pairs = startupFacts(
      facts({
        embedded: undefined,
        databaseUrl: "postgres://app:s3cret-pw@db.internal:5432/flare",
        queueBackend: "redis",
        redisUrl: "rediss://default:redis-pw@cache.internal:6380",
        transport: "resend",
        admin: { kind: "token" },
        env: "production",
      }),
    );
    const text = pairs.map((p) => p.join(" ")).join("\n");
    expect(text).toContain("PostgreSQL at db.internal:5432/flare");
    expect(text).toContain("BullMQ on Redis at cache.internal:6380");
    expect(text).toContain("sent through Resend");
    expect(text).toContain("http://localhost:3000/admin (log in with ADMIN_TOKEN)");
    expect(text).not.toMatch(/s3cret-pw|redis-pw|app:|default:/);
    expect(describeUrl("not a url")).toBe("(unreadable URL)");
  });

  it("says the admin is closed when there is no token (production without ADMIN_TOKEN)", () => {
    expect(startupFacts(facts({ admin: { kind: "closed" }, env: "production" }))).toContainEqual(["admin", "closed: set ADMIN_TOKEN to open it"]);
  });

  it("shows no URLs for a worker-only process", () => {
    const labels = startupFacts(facts({ mode: "worker" })).map(([label]) => label);
    expect(labels).toEqual(["runs", "database", "queue", "emails"]);
  });
});
