import { Hono } from "hono";

export interface HealthDeps {
  /** Each check throws when its dependency does not answer. */
  checks: Record<string, () => Promise<unknown>>;
}

const CHECK_TIMEOUT_MS = 2000;

/** GET /healthz: the process is up. GET /readyz: the stores it needs answer. */
export function healthRoutes(deps: HealthDeps) {
  return new Hono()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", async (c) => {
      const results = await Promise.all(
        Object.entries(deps.checks).map(async ([name, check]) => {
          try {
            await withTimeout(check(), CHECK_TIMEOUT_MS);
            return [name, "ok"] as const;
          } catch {
            return [name, "unreachable"] as const;
          }
        }),
      );
      const checks = Object.fromEntries(results);
      const ready = results.every(([, state]) => state === "ok");
      return c.json({ status: ready ? "ok" : "unavailable", checks }, ready ? 200 : 503);
    });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timeout")), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
