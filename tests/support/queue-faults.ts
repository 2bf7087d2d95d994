import { Redis } from "ioredis";
import postgres from "postgres";
import { Queues } from "../../src/queue/queues.js";
import { TEST_QUEUE_BACKEND, testRedisUrl } from "./env.js";
import type { TestStack } from "./stack.js";

/**
 * Real faults of the queue store, for whichever backend the suite runs on. Only the stack's
 * own data is touched: its Redis key prefix, or the BullMQ schema in its own database.
 */

/** Everything the queue store held for this stack is gone (Redis restart without persistence). */
export async function wipeQueueStore(stack: TestStack): Promise<void> {
  if (TEST_QUEUE_BACKEND === "redis") {
    const redis = new Redis(testRedisUrl());
    const keys = await redis.keys(`${stack.config.queuePrefix}:*`);
    if (keys.length > 0) await redis.unlink(...keys);
    redis.disconnect();
    return;
  }
  const db = postgres(stack.databaseUrl, { max: 1, onnotice: () => {} });
  const tables = await db<{ tablename: string }[]>`
    select tablename from pg_tables where schemaname = 'bullmq' and tablename <> 'migration'`;
  await db.unsafe(`truncate ${tables.map((t) => `bullmq.${t.tablename}`).join(", ")}`);
  await db.end();
}

/** Queues whose store does not answer (a closed port), for the API side of an outage. */
export function unreachableQueues(stack: TestStack): Queues {
  return new Queues({
    backend: TEST_QUEUE_BACKEND,
    redisUrl: "redis://127.0.0.1:1",
    postgresUrl: "postgres://root@127.0.0.1:1/nowhere",
    prefix: stack.config.queuePrefix,
    onError: () => {},
  });
}

/**
 * Counts the enqueues made through `queues` as they start and as they settle (done, failed or
 * timed out): what an answer had waited for, read from the queue's side rather than a stopwatch.
 * Call it before the deps are built on `queues`.
 */
export function watchEnqueues(queues: Queues): { started: number; settled: number } {
  const seen = { started: 0, settled: 0 };
  const enqueue = queues.enqueueDeliveries.bind(queues);
  queues.enqueueDeliveries = async (...args: Parameters<Queues["enqueueDeliveries"]>) => {
    seen.started++;
    try {
      return await enqueue(...args);
    } finally {
      seen.settled++;
    }
  };
  return seen;
}
