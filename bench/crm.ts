import { firstLine, startChild, type Child } from "./processes.js";

/** A call as the bench's CRM saw it. */
export interface CrmCall {
  path: string;
  webhookId: string;
  type: string;
  /** data.subscriber.email, when the event has one. */
  email: string | undefined;
  at: number;
}

/**
 * The CRM of section 7: the tests' loopback receiver in a process of its own
 * (tests/support/webhook-receiver-cli.ts), so that answering calls is not the load generator's
 * work — a CRM is not in autocannon's event loop. Its CPU still counts in the machine's.
 */
export interface Crm {
  url: string;
  child: Child;
  /** Every call so far, fetched from the receiver (incrementally). */
  calls(): Promise<CrmCall[]>;
  close(): Promise<void>;
}

export async function startCrm(keepAliveMs: number): Promise<Crm> {
  const child = startChild("tests/support/webhook-receiver-cli.ts", ["--keep-alive-ms", String(keepAliveMs)], {});
  const [url, control] = (await firstLine(child)).split(" ") as [string, string];
  const seen: CrmCall[] = [];
  return {
    url,
    child,
    async calls() {
      const more = (await (await fetch(`${control}/calls?from=${seen.length}`)).json()) as CrmCall[];
      seen.push(...more);
      return seen;
    },
    close: () => child.stop(),
  };
}
