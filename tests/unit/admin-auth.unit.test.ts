import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { adminAuth } from "../../src/http/admin-auth.js";
import { createErrorHandler } from "../../src/http/errors.js";
import { createLogger } from "../../src/logger.js";

function app(token: string | undefined) {
  return new Hono()
    .get("/admin/api/thing", adminAuth({ token }), (c) => c.json({ ok: true }))
    .get("/public", (c) => c.text("public"))
    .onError(createErrorHandler(createLogger("silent")));
}

describe("adminAuth (Bearer ADMIN_TOKEN)", () => {
  const token = "a-long-admin-token-1234";

  it("lets the right token through, with any case of the scheme", async () => {
    for (const header of [`Bearer ${token}`, `bearer ${token}`, `Bearer  ${token} `]) {
      expect((await app(token).request("/admin/api/thing", { headers: { authorization: header } })).status).toBe(200);
    }
  });

  it.each([
    ["no header", undefined],
    ["another token", "Bearer a-long-admin-token-1235"],
    ["a prefix of the token", `Bearer ${token.slice(0, -1)}`],
    ["the token plus more", `Bearer ${token}x`],
    ["another scheme", `Basic ${token}`],
    ["the bare token", token],
    ["an empty bearer", "Bearer "],
  ])("refuses %s with 401 and the error body", async (_name, header) => {
    const res = await app(token).request("/admin/api/thing", header ? { headers: { authorization: header } } : {});
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
    expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("keeps the admin closed when ADMIN_TOKEN is unset, and guards only its own routes", async () => {
    const closed = app(undefined);
    expect((await closed.request("/admin/api/thing", { headers: { authorization: "Bearer " } })).status).toBe(401);
    expect((await closed.request("/admin/api/thing", { headers: { authorization: "Bearer undefined" } })).status).toBe(401);
    expect((await closed.request("/public")).status).toBe(200);
  });
});
