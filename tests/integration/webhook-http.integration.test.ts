import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhookHttp, USER_AGENT } from "../../src/notify/webhook-http.js";
import type { CallAnswer, WebhookHttp } from "../../src/notify/webhook-http.js";
import { waitFor } from "../support/stack.js";

/**
 * The network edge of outgoing webhooks against a real receiver: a node:http server on
 * 127.0.0.1. It needs no database or queue; it is an integration test because it opens
 * connections (the unit project refuses them).
 *
 * The receiver is on loopback, so the calls that should arrive use allowPrivate; the ones with
 * allowPrivate false prove the connection is refused before anything reaches it. Those still use
 * plain http: webhook-http does not enforce https — that is checkWebhookUrl's rule when the admin
 * API creates an endpoint — so the local server is reachable except by the address check.
 */

interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const HUGE_BYTES = 100 * 1024 * 1024;

describe("webhook-http against a local receiver", () => {
  let server: http.Server;
  let base: string;
  let port: number;
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let hangArrived = 0;
  const huge = { written: 0, closed: false, finished: false };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const path = req.url ?? "/";
        received.push({ method: req.method ?? "", path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        const status = /^\/status\/(\d{3})$/.exec(path);
        if (status) {
          res.writeHead(Number(status[1]), { "content-type": "text/plain" }).end(`status ${status[1]}`);
        } else if (path === "/big") {
          res.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(5 * 1024));
        } else if (path === "/utf8") {
          res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("é".repeat(2000)); // 2 bytes each
        } else if (path === "/retry-seconds") {
          res.writeHead(503, { "retry-after": "7" }).end();
        } else if (path === "/retry-date") {
          res.writeHead(429, { "retry-after": new Date(Date.now() + 30_000).toUTCString() }).end();
        } else if (path === "/retry-bad") {
          res.writeHead(429, { "retry-after": "soon" }).end();
        } else if (path === "/redirect") {
          res.writeHead(302, { location: `${base}/redirected` }).end("moved");
        } else if (path === "/close") {
          res.writeHead(200, { connection: "close" }).end();
        } else if (path === "/hang") {
          hangArrived += 1; // never answered: the socket is destroyed in afterAll
        } else if (path === "/huge") {
          // 100 MB, written as the client reads it: a client that stops reading and closes stops it.
          res.writeHead(200, { "content-type": "application/octet-stream" });
          const chunk = Buffer.alloc(64 * 1024, 0x61);
          res.on("close", () => (huge.closed = true));
          const pump = () => {
            while (huge.written < HUGE_BYTES && !res.destroyed) {
              huge.written += chunk.length;
              if (!res.write(chunk)) return void res.once("drain", pump);
            }
            if (!res.destroyed) res.end(() => (huge.finished = true));
          };
          pump();
        } else {
          res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
        }
      });
    });
    server.on("connection", (socket: Socket) => {
      connections += 1;
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const receivedAt = (path: string) => received.filter((r) => r.path === path);
  const answered = (answer: CallAnswer) => {
    if (answer.kind !== "answered") throw new Error(`expected an answer, got ${JSON.stringify(answer)}`);
    return answer;
  };
  const unreachable = (answer: CallAnswer) => {
    if (answer.kind !== "unreachable") throw new Error(`expected unreachable, got ${JSON.stringify(answer)}`);
    return answer;
  };

  describe("with allowPrivate (a receiver on the LAN, or this test's)", () => {
    let client: WebhookHttp;
    beforeAll(() => {
      client = createWebhookHttp({ allowPrivate: true, timeoutMs: 5000 });
    });
    afterAll(() => client.close());

    it("POSTs our headers and body, with our user-agent, and returns the status", async () => {
      const body = JSON.stringify({ type: "webhook.test", timestamp: "2026-01-01T00:00:00.000Z", data: {} });
      const answer = answered(
        await client.post(
          `${base}/hook?endpoint=1`,
          {
            "content-type": "application/json",
            "webhook-id": "msg_2b1f",
            "webhook-timestamp": "1767225600",
            "webhook-signature": "v1,c2lnbmF0dXJl",
            "User-Agent": "someone-else/9",
          },
          body,
        ),
      );
      expect(answer).toEqual({ kind: "answered", status: 200, durationMs: expect.any(Number), excerpt: '{"received":true}', retryAfterMs: undefined });
      expect(answer.durationMs).toBeGreaterThanOrEqual(0);
      const [request] = receivedAt("/hook?endpoint=1");
      expect(request?.method).toBe("POST");
      expect(request?.body).toBe(body);
      expect(request?.headers).toMatchObject({
        "content-type": "application/json",
        "webhook-id": "msg_2b1f",
        "webhook-timestamp": "1767225600",
        "webhook-signature": "v1,c2lnbmF0dXJl",
        "user-agent": USER_AGENT,
        "content-length": String(Buffer.byteLength(body)),
      });
    });

    it.each([200, 201, 204, 400, 404, 410, 500, 502])("returns a %s as it is", async (status) => {
      const answer = answered(await client.post(`${base}/status/${status}`, {}, "{}"));
      expect(answer.status).toBe(status);
      expect(answer.excerpt).toBe(status === 204 ? "" : `status ${status}`);
    });

    it("keeps one connection alive for calls to the same receiver", async () => {
      await client.post(`${base}/status/200`, {}, "{}");
      const before = connections;
      for (let i = 0; i < 3; i++) answered(await client.post(`${base}/status/200`, {}, "{}"));
      expect(connections).toBe(before);
    });

    it("keeps the first 1,024 bytes of a 5 KB answer", async () => {
      const answer = answered(await client.post(`${base}/big`, {}, "{}"));
      expect(answer.excerpt).toBe("x".repeat(1024));
    });

    it("cuts an excerpt between characters, never inside one", async () => {
      const odd = createWebhookHttp({ allowPrivate: true, excerptBytes: 1023 });
      try {
        const answer = answered(await odd.post(`${base}/utf8`, {}, "{}"));
        expect(answer.excerpt).toBe("é".repeat(511));
        expect(answer.excerpt).not.toContain("\uFFFD");
      } finally {
        await odd.close();
      }
    });

    it("reads 1 KB of a 100 MB answer and drops the rest without reading it", async () => {
      const answer = answered(await client.post(`${base}/huge`, {}, "{}"));
      expect(answer.status).toBe(200);
      expect(answer.excerpt).toBe("a".repeat(1024));
      // The receiver's write loop ends because the connection closed, long before 100 MB.
      await waitFor(async () => huge.closed, 5000, "the huge answer's connection to close");
      expect(huge.finished).toBe(false);
      expect(huge.written).toBeLessThan(HUGE_BYTES / 10);
    });

    it("reads Retry-After as delta-seconds and as an HTTP date", async () => {
      const seconds = answered(await client.post(`${base}/retry-seconds`, {}, "{}"));
      expect(seconds.status).toBe(503);
      expect(seconds.retryAfterMs).toBe(7000);
      const date = answered(await client.post(`${base}/retry-date`, {}, "{}"));
      expect(date.status).toBe(429);
      // A whole-second date 30 s ahead, read a moment later.
      expect(date.retryAfterMs).toBeGreaterThan(25_000);
      expect(date.retryAfterMs).toBeLessThanOrEqual(30_000);
      const bad = answered(await client.post(`${base}/retry-bad`, {}, "{}"));
      expect(bad.retryAfterMs).toBeUndefined();
    });

    it("returns a 302 as it is and never requests its Location", async () => {
      const answer = answered(await client.post(`${base}/redirect`, {}, "{}"));
      expect(answer.status).toBe(302);
      expect(answer.excerpt).toBe("moved");
      // The 302 was answered and its connection is idle: a redirect would have been requested by now.
      answered(await client.post(`${base}/status/200`, {}, "after"));
      expect(receivedAt("/redirect")).toHaveLength(1);
      expect(receivedAt("/redirected")).toHaveLength(0);
    });

    it("gives up on a receiver that never answers after timeoutMs", async () => {
      const impatient = createWebhookHttp({ allowPrivate: true, timeoutMs: 500 });
      try {
        const arrivedBefore = hangArrived;
        const answer = unreachable(await impatient.post(`${base}/hang`, {}, "{}"));
        expect(hangArrived).toBe(arrivedBefore + 1); // it did connect and send: the timeout is the answer's
        expect(answer).toEqual({ kind: "unreachable", durationMs: expect.any(Number), error: "timed out after 500 ms", blocked: false });
        expect(answer.durationMs).toBeGreaterThanOrEqual(450);
        expect(answer.durationMs).toBeLessThan(3000);
      } finally {
        await impatient.close();
      }
    });

    it("answers unreachable for a closed port", async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const answer = unreachable(await client.post(`http://127.0.0.1:${closedPort}/hook`, {}, "{}"));
      expect(answer).toEqual({ kind: "unreachable", durationMs: expect.any(Number), error: "connection refused", blocked: false });
    });

    it("resolves a name through the injected resolver and connects to what it returned", async () => {
      const lan = createWebhookHttp({ allowPrivate: true, resolve: async () => ["127.0.0.1"] });
      try {
        const answer = answered(await lan.post(`http://n8n.lan:${port}/via-name`, {}, "named"));
        expect(answer.status).toBe(200);
        expect(receivedAt("/via-name")[0]?.headers.host).toBe(`n8n.lan:${port}`);
      } finally {
        await lan.close();
      }
    });

    it("looks the name up again for every new connection (what makes a rebound name refused)", async () => {
      // With allowPrivate false the same lookup refuses a private answer (below); here it is
      // counted: a connection the receiver closed is not reused, so the next call looks up again.
      let lookups = 0;
      const lan = createWebhookHttp({
        allowPrivate: true,
        resolve: async () => {
          lookups += 1;
          return ["127.0.0.1"];
        },
      });
      try {
        answered(await lan.post(`http://n8n.lan:${port}/close`, {}, "{}"));
        answered(await lan.post(`http://n8n.lan:${port}/close`, {}, "{}"));
        expect(lookups).toBe(2);
      } finally {
        await lan.close();
      }
    });

    it("never throws, even for a URL it cannot use, and says nothing of the URL", async () => {
      const secretPath = "/hooks/catch/123/s3cr3t-path";
      expect(unreachable(await client.post("not a url", {}, "{}")).error).toBe("invalid URL");
      expect(unreachable(await client.post("ftp://127.0.0.1/x", {}, "{}")).error).toBe("unsupported URL scheme");
      const failed = unreachable(await client.post(`http://127.0.0.1:1${secretPath}`, { authorization: "Bearer t0ken" }, "{}"));
      expect(failed.error).not.toContain("s3cr3t");
      expect(failed.error).not.toContain("t0ken");
    });
  });

  describe("without allowPrivate (production)", () => {
    async function refusedWithNothingReceived(client: WebhookHttp, url: string): Promise<string> {
      const before = { connections, received: received.length };
      const answer = unreachable(await client.post(url, { "webhook-id": "msg_blocked" }, '{"type":"webhook.test"}'));
      expect(answer.blocked).toBe(true);
      expect(connections).toBe(before.connections);
      expect(received.length).toBe(before.received);
      return answer.error;
    }

    it("refuses a name that resolves to 127.0.0.1, at connect time", async () => {
      const asked: string[] = [];
      const client = createWebhookHttp({
        allowPrivate: false,
        resolve: async (hostname) => {
          asked.push(hostname);
          return ["127.0.0.1"];
        },
      });
      try {
        const error = await refusedWithNothingReceived(client, `http://crm.example:${port}/hook`);
        expect(error).toBe("blocked: crm.example resolves to 127.0.0.1, a loopback address");
        expect(asked).toEqual(["crm.example"]);
      } finally {
        await client.close();
      }
    });

    it("refuses a name when any one of its addresses is private", async () => {
      const client = createWebhookHttp({ allowPrivate: false, resolve: async () => ["93.184.216.34", "127.0.0.1"] });
      try {
        const error = await refusedWithNothingReceived(client, `http://crm.example:${port}/hook`);
        expect(error).toContain("127.0.0.1");
      } finally {
        await client.close();
      }
    });

    it.each([
      ["127.0.0.1", (p: number) => `http://127.0.0.1:${p}/hook`],
      ["::ffff:127.0.0.1", (p: number) => `http://[::ffff:127.0.0.1]:${p}/hook`],
      ["2130706433", (p: number) => `http://2130706433:${p}/hook`],
    ])("refuses the literal %s before connecting, without a lookup", async (_, urlFor) => {
      let lookups = 0;
      const client = createWebhookHttp({
        allowPrivate: false,
        resolve: async () => {
          lookups += 1;
          return ["127.0.0.1"];
        },
      });
      try {
        const error = await refusedWithNothingReceived(client, urlFor(port));
        expect(error).toMatch(/^blocked: host \S+ is .*loopback/);
        expect(lookups).toBe(0);
      } finally {
        await client.close();
      }
    });
  });
});
