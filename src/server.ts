import { serve, type ServerType } from "@hono/node-server";
import { createApp } from "./app.js";
import { appDeps, type Deps } from "./deps.js";

export interface RunningApi {
  port: number;
  close(): Promise<void>;
}

/** Starts the HTTP API on the configured port (0 picks a free one, for tests). */
export function startApi(deps: Deps, port = deps.config.port): Promise<RunningApi> {
  const app = createApp(appDeps(deps));
  // Build the guide PDF now, in the background, so the first reader does not wait for it.
  deps.guidePdf.warm();
  return new Promise((resolve, reject) => {
    const server: ServerType = serve({ fetch: app.fetch, port, hostname: deps.config.host }, (info) => {
      deps.logger.info({ url: deps.config.publicUrl, port: info.port }, "API listening");
      resolve({
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            // Stop accepting; let requests in flight finish (keep-alive sockets are closed idle).
            server.close(() => done());
            if ("closeIdleConnections" in server) server.closeIdleConnections();
          }),
      });
    });
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`Port ${port} is in use: set PORT to another port.`) : error),
    );
  });
}
