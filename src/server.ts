import { serve, type ServerType } from "@hono/node-server";
import type { Server } from "node:net";
import { createApp } from "./app.js";
import { appDeps, type Deps } from "./deps.js";
import { limitConnectionsPerClient } from "./http/connection-limit.js";

export interface RunningApi {
  port: number;
  close(): Promise<void>;
}

/** Headers must arrive within this (or the whole request timeout, if shorter): a slowloris sends them a byte at a time. */
const HEADERS_TIMEOUT_MS = 10_000;

/**
 * Node's own limits on a request's arrival (issue 30: a body trickled for 200 s held its memory
 * all that time). `requestTimeout` cuts a request whose headers and body have not all arrived in
 * time (408, then the socket closes); Node checks it every `connectionsCheckingInterval`, 30 s by
 * default, which would let a short timeout run 30 s over — so the check runs at least every second.
 */
export function serverOptions(requestTimeoutMs: number) {
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs),
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeoutMs / 4))),
  };
}

/** Starts the HTTP API on the configured port (0 picks a free one, for tests). */
export function startApi(deps: Deps, port = deps.config.port): Promise<RunningApi> {
  const app = createApp(appDeps(deps));
  // Build the guide PDF now, in the background, so the first reader does not wait for it.
  deps.guidePdf.warm();
  return new Promise((resolve, reject) => {
    const server: ServerType = serve(
      { fetch: app.fetch, port, hostname: deps.config.host, serverOptions: serverOptions(deps.config.http.requestTimeoutMs) },
      (info) => {
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
      },
    );
    // Behind our proxy every connection is the proxy's: capping them per address would cap everyone.
    if (!deps.config.trustProxy) limitConnectionsPerClient(server as Server, deps.config.http.maxConnectionsPerClient);
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`Port ${port} is in use: set PORT to another port.`) : error),
    );
  });
}
