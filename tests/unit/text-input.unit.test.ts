import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createErrorHandler } from "../../src/http/errors.js";
import { readFormFields, readJsonBody } from "../../src/http/request-body.js";
import { textInput } from "../../src/http/text-input.js";
import { createLogger } from "../../src/logger.js";
import { findUnsafeText } from "../../src/unsafe-text.js";

/** A tiny app: the middleware, then routes that read their input the way ours do. */
function app() {
  return new Hono()
    .use(textInput({ except: ["/signed"] }))
    .get("/q", (c) => c.json({ q: c.req.query("q") ?? null }))
    .post("/json", async (c) => c.json({ body: await readJsonBody(c) }))
    .post("/form", async (c) => c.json({ body: (await readFormFields(c)) ?? null }))
    .post("/signed", async (c) => c.json({ length: (await c.req.text()).length }))
    .onError(createErrorHandler(createLogger("silent")));
}

async function refused(res: Response, field: string, problem: RegExp) {
  expect(res.status).toBe(400);
  const body = (await res.json()) as { error: { code: string; field: string; message: string } };
  expect(body.error.code).toBe("invalid_input");
  expect(body.error.field).toBe(field);
  expect(body.error.message).toMatch(problem);
}

const json = (body: string) => ({ method: "POST", headers: { "content-type": "application/json" }, body });
const form = (body: string) => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });

describe("textInput: NUL and lone surrogates refused at the edge, naming the field", () => {
  it("query strings", async () => {
    await refused(await app().request("/q?source=a%00b"), "source", /NUL/);
    await refused(await app().request("/q?a=1&q=%00"), "q", /NUL/);
    expect(await (await app().request("/q?q=caf%C3%A9")).json()).toEqual({ q: "café" });
  });

  it("JSON bodies, at any depth, and the route still reads the body it was given", async () => {
    await refused(await app().request("/json", json('{"description":"a\\u0000b"}')), "description", /NUL/);
    await refused(await app().request("/json", json('{"events":["ok","\\ud800"]}')), "events", /lone UTF-16 surrogate/);
    await refused(await app().request("/json", json('{"a":{"b":{"\\udfff":1}}}')), "a", /surrogate/);
    await refused(await app().request("/json", json('"\\u0000"')), "body", /NUL/);
    const ok = await app().request("/json", json('{"name":"\\ud83d\\ude00 \\u00e9"}'));
    expect(await ok.json()).toEqual({ body: { name: "😀 é" } });
    expect((await app().request("/json", json("{not json"))).status).toBe(400); // the route's invalid_json
  });

  it("form bodies", async () => {
    await refused(await app().request("/form", form("email=a%40b.com&utm_source=x%00y")), "utm_source", /NUL/);
    const ok = await app().request("/form", form("email=a%40b.com"));
    expect(await ok.json()).toEqual({ body: { email: "a@b.com" } });
  });

  it("leaves the paths it is told to alone", async () => {
    const res = await app().request("/signed", json('{"data":"\\u0000"}'));
    expect(res.status).toBe(200);
  });
});

describe("findUnsafeText", () => {
  it("finds the path and the depth limit without recursion", () => {
    expect(findUnsafeText({ data: { click: { link: "x\u0000" } } })).toEqual({ path: ["data", "click", "link"], problem: "a NUL character" });
    let deep: unknown = "leaf";
    for (let i = 0; i < 4108; i++) deep = [deep];
    expect(findUnsafeText(deep)).toBeUndefined();
    expect(findUnsafeText(deep, 64)?.problem).toBe("nesting this deep");
    expect(findUnsafeText({ ok: ["\ud83d\ude00"] })).toBeUndefined();
  });
});
