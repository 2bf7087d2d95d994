import type postgres from "postgres";
import type { Logger } from "../logger.js";
import { recordVisit, settleVisits } from "../db/queries/link-visits.js";
import type { VisitedLink } from "./link-keys.js";
import { BURST_ADDRESS_MINUTES, BURST_SECONDS, DOWNLOAD_WINDOW_SECONDS, EARLY_SECONDS, requestRule, SETTLE_SECONDS } from "./rules.js";

export interface LinkFetch {
  link: VisitedLink;
  method: string;
  userAgent: string | undefined;
  ip: string | undefined;
  subscriberId?: string | undefined;
  deliveryId?: number | undefined;
}

/**
 * Every fetch of a link in our emails, judged and kept (DESIGN.md invariant 9). A person's fetch
 * counts once it is settled — SETTLE_SECONDS later, when no later fetch can make it part of a
 * burst. This process settles it then (a timer); the maintenance worker's sweep settles whatever
 * a process that stopped left (src/signals/tasks.ts). Both run the same idempotent statement.
 */
export class LinkSignals {
  private timer: NodeJS.Timeout | undefined;
  private dueAt = 0;
  private closed = false;

  constructor(private readonly deps: { sql: postgres.Sql; logger: Logger }) {}

  /**
   * Records one fetch. Never throws: the reader gets the guide or the redirect whatever the
   * store says, and a fetch that could not be recorded is logged and lost (a number, not a send).
   */
  async record(fetch: LinkFetch): Promise<void> {
    try {
      const visit = await recordVisit(
        this.deps.sql,
        {
          subscriberId: fetch.subscriberId,
          deliveryId: fetch.deliveryId,
          link: fetch.link,
          ip: fetch.ip,
          userAgent: fetch.userAgent?.slice(0, 512),
          requestReason: requestRule(fetch),
        },
        { burstSeconds: BURST_SECONDS, earlySeconds: EARLY_SECONDS, burstAddressMinutes: BURST_ADDRESS_MINUTES },
      );
      if (visit.automated === null) this.settleAfter(SETTLE_SECONDS * 1000);
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message, link: fetch.link }, "link fetch not recorded");
    }
  }

  /** Settles every fetch old enough; the sweep's and the timer's one statement. */
  settle(): Promise<number> {
    return settleVisits(this.deps.sql, SETTLE_SECONDS, DOWNLOAD_WINDOW_SECONDS);
  }

  /** One timer per process, at the latest moment asked for; a fire that finds more due re-arms. */
  private settleAfter(ms: number): void {
    if (this.closed) return;
    this.dueAt = Math.max(this.dueAt, Date.now() + ms);
    if (this.timer) return;
    const fire = () => {
      this.timer = undefined;
      void this.settle()
        .catch((error: unknown) => this.deps.logger.warn({ err: (error as Error).message }, "settling link fetches failed; the sweep will"))
        .finally(() => {
          const left = this.dueAt - Date.now();
          if (left > 0 && !this.closed && !this.timer) this.timer = setTimeout(fire, left + 50).unref();
        });
    };
    this.timer = setTimeout(fire, ms + 50).unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
