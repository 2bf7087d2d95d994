import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queues } from "../../src/queue/queues.js";
import { createStack, waitFor, type TestStack } from "../support/stack.js";

/**
 * A process whose event loop is busy for a second while its queue connection starts (a loaded
 * machine, a PDF being laid out) loses the commands in flight then, not its queues: the API's
 * producer fails fast (a 1 s command timeout), and BullMQ kept the failure of the version check it
 * runs once per Queue, so every later add failed with "Command timed out" while the connection
 * itself answered (issue 29: the browser's confirmation email never queued).
 */
describe("queues built during a busy second", () => {
  let stack: TestStack;
  let queues: Queues | undefined;
  beforeAll(async () => {
    stack = await createStack();
  });
  afterAll(async () => {
    await queues?.close();
    await stack.close();
  });

  it("take jobs once the connection is up", async () => {
    queues = new Queues({
      backend: stack.config.queueBackend,
      redisUrl: stack.config.redisUrl,
      postgresUrl: stack.databaseUrl,
      prefix: `${stack.config.queuePrefix}-stall`,
      onError: () => {},
    });
    // The scenario, not a wait: the event loop held for longer than the producer's command timeout.
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      // busy
    }
    const added = await waitFor(
      () => queues!.send.add("send", { deliveryId: 1 }, { jobId: "delivery-1" }).then(() => true, () => false),
      10_000,
      "an add on queues built during a busy second",
      100,
    );
    expect(added).toBe(true);
    expect(await queues.send.getJob("delivery-1")).toBeDefined();
  });
});
