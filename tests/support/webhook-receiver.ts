import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { waitFor } from "./wait.js";

/** One request the receiver got, with what the `standardwebhooks` package's own `verify` said. */
export interface ReceivedCall {
  webhookId: string;
  /** The request's path (one receiver can stand for several endpoints). */
  path: string;
  timestamp: number;
  body: string;
  type: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
  headers: IncomingHttpHeaders;
  /** Verified with the receiver's secret (an attempt whose signature fails is kept, unverified). */
  verified: boolean;
  at: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A CRM on loopback: records every call, verifies its signature with the `standardwebhooks`
 * package (what a receiver would run), and answers as the test says — by default 204.
 */
export interface WebhookReceiver {
  url: string;
  calls: ReceivedCall[];
  /** Set after the endpoint is created (its secret). */
  secret: string | undefined;
  answer: (call: ReceivedCall, nth: number) => Answer;
  /** How long the receiver takes to answer (a slow CRM), ms. */
  delayMs: number;
  /** The most requests it held open at once. */
  maxOpen: number;
  /** Calls of one event, in arrival order. */
  callsOf(webhookId: string): ReceivedCall[];
  waitFor(predicate: (calls: ReceivedCall[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * `keepAliveMs`: how long an idle connection stays open. The tests' 1 s makes undici (which keeps
 * 2 s in hand against a server's hint) open a connection per call; a CRM's server keeps them
 * longer (Node's own default is 5 s), so the bench passes that.
 */
export async function startWebhookReceiver(options: { keepAliveMs?: number } = {}): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: "",
    calls: [],
    secret: undefined,
    answer: () => ({ status: 204 }),
    delayMs: 0,
    maxOpen: 0,
    callsOf: (id) => byId.get(id) ?? [],
    waitFor: (predicate, timeoutMs = 15_000, what = "the receiver's calls") =>
      waitFor(async () => predicate(receiver.calls), timeoutMs, what, 20).then(() => undefined),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  // By webhook-id: the nth call of an event is looked up on every request (the bench's thousands).
  const byId = new Map<string, ReceivedCall[]>();
  let open = 0;
  const server: Server = createServer((req, res) => {
    open++;
    receiver.maxOpen = Math.max(receiver.maxOpen, open);
    res.on("close", () => open--);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let verified = false;
      try {
        if (receiver.secret) {
          new Webhook(receiver.secret).verify(body, req.headers as Record<string, string>);
          verified = true;
        }
      } catch {
        verified = false;
      }
      const payload = JSON.parse(body) as ReceivedCall["payload"];
      const call: ReceivedCall = {
        webhookId: String(req.headers["webhook-id"]),
        path: req.url ?? "",
        timestamp: Number(req.headers["webhook-timestamp"]),
        body,
        type: payload.type,
        payload,
        headers: req.headers,
        verified,
        at: Date.now(),
      };
      receiver.calls.push(call);
      byId.set(call.webhookId, [...(byId.get(call.webhookId) ?? []), call]);
      const answer = receiver.answer(call, receiver.callsOf(call.webhookId).length);
      setTimeout(() => {
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? "");
      }, receiver.delayMs);
    });
  });
  server.keepAliveTimeout = options.keepAliveMs ?? 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}
