/**
 * Runs the loopback webhook receiver (webhook-receiver.ts) as a process of its own, for the
 * benchmark: a CRM is not in the load generator's event loop.
 *
 *   npx tsx tests/support/webhook-receiver-cli.ts [--keep-alive-ms 5000]
 *
 * Prints "<receiver url> <control url>" as the first stdout line. The control server, on a port
 * of its own (so that its requests are never taken for calls), answers
 *   GET /calls?from=N → the calls received from the Nth on: [{path, webhookId, type, email, at}]
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { startWebhookReceiver } from "./webhook-receiver.js";

const { values } = parseArgs({ options: { "keep-alive-ms": { type: "string" } } });
const keepAliveMs = Number(values["keep-alive-ms"] ?? 5_000);
if (!Number.isFinite(keepAliveMs) || keepAliveMs < 0) {
  console.error(`webhook-receiver: --keep-alive-ms must be a non-negative number, got "${values["keep-alive-ms"]}"`);
  process.exit(2);
}

const receiver = await startWebhookReceiver({ keepAliveMs });
const control = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://control");
  if (url.pathname !== "/calls") {
    res.writeHead(404).end();
    return;
  }
  const from = Math.max(0, Number(url.searchParams.get("from") ?? 0) || 0);
  const calls = receiver.calls.slice(from).map((c) => ({
    path: c.path,
    webhookId: c.webhookId,
    type: c.type,
    email: (c.payload.data.subscriber as { email?: string } | undefined)?.email,
    at: c.at,
  }));
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(calls));
});
await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
console.log(`${receiver.url} http://127.0.0.1:${(control.address() as AddressInfo).port}`);

const stop = () => {
  control.close();
  void receiver.close().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
