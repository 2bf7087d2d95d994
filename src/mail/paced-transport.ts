import { aroundCalls, type Transport } from "./transport.js";

/**
 * Spaces this process's provider calls at least `1000 / rate` ms apart (plus 4 %), at the
 * moment of the call. BullMQ's limiter spaces job *starts* across all workers, but the work
 * between a job's start and its request (a claim, a batch, rendering) varies, so requests can
 * bunch up: three inside one second is a 429 from a provider that allows two, and a second
 * lost to retry-after. Both together: the global budget holds, and arrivals stay even.
 */
/**
 * 4 %: a batch request carries up to ~1 MB of JSON, and how long it takes to reach the provider
 * varies by tens of milliseconds; measured with the burst bench, 2 % still drew a 429 now and then.
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
