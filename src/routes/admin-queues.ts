import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { HonoAdapter } from "@bull-board/hono";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type MiddlewareHandler } from "hono";
import type { AdminEnv } from "../http/admin-auth.js";
import type { Queues } from "../queue/queues.js";

const BASE = "/admin/queues";

/**
 * The queue UI (@bull-board/hono) at /admin/queues behind the admin's auth; bull-board 9 reads both
 * backends (its datastore panel shows which). Retrying, promoting or removing jobs there touches the
 * queue only: Postgres stays the truth, and a removed pending delivery's job returns next reconcile.
 */
export function adminQueueRoutes(queues: Queues, auth: MiddlewareHandler<AdminEnv>) {
  const serverAdapter = new HonoAdapter(serveStatic);
  serverAdapter.setBasePath(BASE);
  createBullBoard({
    queues: queues.all().map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: "Flare-Up Reset queues" } },
  });
  const app = new Hono<AdminEnv>();
  app.use(BASE, auth);
  app.use(`${BASE}/*`, auth);
  app.route(BASE, serverAdapter.registerPlugin());
  return app;
}
