import { Redis, type RedisOptions } from "ioredis";

/**
 * Queue-store connections. Workers block on Redis and retry forever (BullMQ needs maxRetriesPerRequest:
 * null); the API's producer fails fast: a Redis outage costs a signup a log line (reconciled later).
 */
export function createRedisConnection(url: string, role: "producer" | "worker"): Redis {
  const options: RedisOptions =
    role === "worker"
      ? { maxRetriesPerRequest: null }
      : // Commands queue while (re)connecting, but give up after one reconnect or a second.
        { maxRetriesPerRequest: 1, commandTimeout: 1000, connectTimeout: 2000 };
  return new Redis(url, { ...options, lazyConnect: false });
}

/** Hides a password in a redis:// URL before it goes near a log line. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}

/** Checks that a Redis answers within a deadline, without leaving a reconnecting client behind. */
export async function pingRedis(url: string, timeoutMs = 2000): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(
      `Redis at ${redactUrl(url)} is not reachable (${error instanceof Error ? error.message : String(error)}). ` +
        "Start one with `redis-server` (or `docker compose up -d redis`), or set REDIS_URL to a Redis you run.",
    );
  } finally {
    client.disconnect();
  }
}
