/**
 * Per-endpoint fairness inside one process (issue 16: "one slow CRM cannot hold back" the
 * rest). Each key — an endpoint — may have at most `concurrency` calls in flight and at most
 * `perSecond` starts in any sliding second; a key that is full answers when to try again, and the
 * caller puts its job back until then instead of holding a worker slot. Other keys are not
 * affected. Pure: the clock comes in, so the unit test drives time.
 */

export interface EndpointGateOptions {
  /** Calls in flight per key. */
  concurrency: number;
  /** Starts per key in any 1,000 ms (a whole number: a sliding second admits whole calls). */
  perSecond: number;
  now?: () => number;
}

export interface GatePass {
  /** Frees the slot; calling it again does nothing. */
  release(): void;
}

const WINDOW_MS = 1000;

interface KeyState {
  inFlight: number;
  /** Start times within the last WINDOW_MS, oldest first. */
  starts: number[];
}

export class EndpointGate {
  private readonly concurrency: number;
  private readonly perSecond: number;
  private readonly now: () => number;
  private readonly keys = new Map<string, KeyState>();
  /** Callers of `acquire` waiting for a key, oldest first: a released pass wakes the first. */
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(options: EndpointGateOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be a whole number ≥ 1, got ${options.concurrency}`);
    }
    if (!Number.isInteger(options.perSecond) || options.perSecond < 1) {
      throw new RangeError(`perSecond must be a whole number ≥ 1, got ${options.perSecond}`);
    }
    this.concurrency = options.concurrency;
    this.perSecond = options.perSecond;
    this.now = options.now ?? Date.now;
  }

  /** A pass to call `key` now, or the moment to try again. */
  enter(key: string): GatePass | { retryAt: Date } {
    const now = this.now();
    const state = this.keys.get(key) ?? { inFlight: 0, starts: [] };
    // A start at t counts for the window (t - 1000, t]: it leaves at t + 1000.
    while (state.starts.length > 0 && (state.starts[0] ?? 0) + WINDOW_MS <= now) state.starts.shift();

    const rateFreeAt = state.starts.length >= this.perSecond ? (state.starts[0] ?? now) + WINDOW_MS : now;
    if (state.inFlight >= this.concurrency) {
      // When a call in flight ends is unknown; one start's share of the second is the soonest a
      // new one could begin anyway, and a call in flight usually lasts longer, so this never spins.
      return { retryAt: new Date(Math.max(rateFreeAt, now + Math.ceil(WINDOW_MS / this.perSecond))) };
    }
    if (rateFreeAt > now) return { retryAt: new Date(rateFreeAt) };

    state.inFlight += 1;
    state.starts.push(now);
    this.keys.set(key, state);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        state.inFlight -= 1;
        this.forgetIdle(key, state);
        this.waiters.get(key)?.values().next().value?.();
      },
    };
  }

  /**
   * A pass, waiting in this process (no database work, no job moved) up to `maxWaitMs` for a
   * slot; past that, the moment to try again. A call that waits keeps its claim and its worker
   * slot; the bound keeps that short, and the caller puts a call that would wait longer back.
   */
  async acquire(key: string, maxWaitMs: number): Promise<GatePass | { retryAt: Date }> {
    const deadline = this.now() + maxWaitMs;
    for (;;) {
      const entry = this.enter(key);
      if ("release" in entry || entry.retryAt.getTime() > deadline) return entry;
      await this.wait(key, Math.max(5, entry.retryAt.getTime() - this.now()));
    }
  }

  /**
   * Until `ms` have passed or a pass for `key` is released, whichever is first: a slot freed by a
   * call that ended goes to a waiter at once, not at its next look (a full endpoint's waiters look
   * again only every 1/perSecond — 20 ms at 50 a second, most of a loopback call's slot).
   */
  private wait(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.waiters.get(key) ?? new Set<() => void>();
      this.waiters.set(key, waiters);
      const wake = () => {
        clearTimeout(timer);
        waiters.delete(wake);
        if (waiters.size === 0 && this.waiters.get(key) === waiters) this.waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      waiters.add(wake);
    });
  }

  /** Calls in flight for `key` (for metrics and tests). */
  inFlight(key: string): number {
    return this.keys.get(key)?.inFlight ?? 0;
  }

  /** A key with nothing in flight and no recent start holds no memory. */
  private forgetIdle(key: string, state: KeyState): void {
    const last = state.starts[state.starts.length - 1];
    if (state.inFlight === 0 && (last === undefined || last + WINDOW_MS <= this.now()) && this.keys.get(key) === state) {
      this.keys.delete(key);
    }
  }
}
