import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type RunningApi } from "../../src/server.js";
import { createStack, type TestStack } from "../support/stack.js";
import { TEST_WEBHOOK_SECRET } from "../support/svix.js";

/**
 * Issue 30 §1, against the real HTTP server (not app.request): a body that never arrives is cut
 * by the server's own timeout; the provider webhook refuses stale or missing signature headers
 * before it reads a byte of the body; one address holds a bounded number of connections.
 */
interface Opened {
  socket: net.Socket;
  /** Everything the server wrote, once it closed the connection. */
  closed: Promise<string>;
}

function open(port: number, head: string): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(head);
      resolve({ socket, closed });
    });
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    const closed = new Promise<string>((done) => socket.on("close", () => done(received)));
    socket.once("error", reject);
  });
}

/** Resolves with what the server wrote as soon as its status line has arrived. */
function firstLine(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let received = "";
    const onData = (chunk: Buffer) => {
      received += chunk.toString("latin1");
      const end = received.indexOf("\r\n");
      if (end >= 0) {
        socket.off("data", onData);
        resolve(received.slice(0, end));
      }
    };
    socket.on("data", onData);
  });
}

const webhookHead = (headers: string) =>
  `POST /webhooks/resend HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n${headers}Content-Length: 255010\r\n\r\n`;

/** The stack's real server, with `env` added to the stack's (its own database and port). */
function realServer(env: Record<string, string>) {
  const server = { stack: undefined as unknown as TestStack, api: undefined as unknown as RunningApi };
  beforeAll(async () => {
    server.stack = await createStack({ env: { RESEND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, HOST: "127.0.0.1", ...env } });
    server.api = await startApi(server.stack.deps, 0);
  });
  afterAll(async () => {
    await server.api.close();
    await server.stack.close();
  });
  return server;
}

describe("slow bodies against the real server", () => {
  const server = realServer({ REQUEST_TIMEOUT_SECONDS: "1" });

  it.each([
    ["a stale timestamp", "svix-id: a\r\nsvix-timestamp: 1\r\nsvix-signature: v1,x\r\n"],
    ["a timestamp 6 minutes ahead", () => `svix-id: a\r\nsvix-timestamp: ${Math.floor(Date.now() / 1000) + 360}\r\nsvix-signature: v1,x\r\n`],
    ["no signature headers", ""],
  ])("/webhooks/resend with %s is answered 401 before any body byte is sent", async (_, headers) => {
    const { socket, closed } = await open(server.api.port, webhookHead(typeof headers === "function" ? headers() : headers));
    // Not a byte of the 255,010 announced has been written: the answer cannot have waited for it.
    expect(await firstLine(socket)).toBe("HTTP/1.1 401 Unauthorized");
    socket.destroy();
    await closed;
  });

  it("a body trickled slower than REQUEST_TIMEOUT_SECONDS is cut: 408 and the connection closed", async () => {
    const now = Math.floor(Date.now() / 1000);
    const { socket, closed } = await open(server.api.port, webhookHead(`svix-id: msg_slow\r\nsvix-timestamp: ${now}\r\nsvix-signature: v1,x\r\n`));
    socket.write("{");
    // The signal: the server closes the connection itself (nothing here closes it).
    const written = await closed;
    expect(written).toMatch(/^HTTP\/1\.1 408 /);
  });

});

describe("connections per client against the real server", () => {
  // The held connections send no more than a request line: with the default request timeout the
  // server keeps them while the test opens the next one, however long a loaded machine takes.
  const server = realServer({ MAX_CONNECTIONS_PER_CLIENT: "8" });

  it("one address holds at most MAX_CONNECTIONS_PER_CLIENT connections; the next is answered 503", async () => {
    const { api } = server;
    const held: Opened[] = [];
    try {
      for (let i = 0; i < 8; i++) held.push(await open(api.port, "POST /api/subscribe HTTP/1.1\r\nHost: x\r\n"));
      const extra = await open(api.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      const written = await extra.closed;
      expect(written).toMatch(/^HTTP\/1\.1 503 /);
      expect(written).toContain("Retry-After: 5");
    } finally {
      for (const h of held) h.socket.destroy();
      await Promise.all(held.map((h) => h.closed));
    }
    // Once they are gone the address is served again.
    const again = await open(api.port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(await again.closed).toMatch(/^HTTP\/1\.1 200 /);
  });
});
