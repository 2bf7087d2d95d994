import { serve } from "@hono/node-server";
import { Hono } from "hono";

/** The yardstick: a bare Hono app answering "ok", measured in the same run as the signup. */
const port = Number(process.argv[2] ?? 0);
const app = new Hono().post("/ok", (c) => c.json({ status: "ok" }, 202));
serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`${info.port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
