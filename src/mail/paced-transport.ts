import { aroundCalls, type Transport } from "./transport.js";

/**
 * Spaces this process's provider calls at least `1000 / rate` ms apart, at the moment of the call:
 * BullMQ's limiter spaces job starts, and what comes between varies (docs/architecture.md). 4 %:
 * a batch request's time to the provider varies by tens of ms; with 2 % the burst bench drew a 429 now and then.
 */
const HEADROOM = 1.04;

export function pacedTransport(transport: Transport, ratePerSecond: number): Transport {
  const interval = Math.ceil((1000 / ratePerSecond) * HEADROOM);
  let nextSlot = 0;
  const gate = async () => {
    const now = Date.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + interval;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  };
  return aroundCalls(transport, async (call) => {
    await gate();
    return call();
  });
}
