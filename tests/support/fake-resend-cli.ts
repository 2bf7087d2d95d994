/**
 * Runs the fake Resend API as a standalone process, for the benchmark and for humans:
 *
 *   npx tsx tests/support/fake-resend-cli.ts [--port 4010] [--latency 20] [--rate-limit 2] [--no-bodies]
 *
 * Env equivalents (flags win): FAKE_RESEND_PORT, FAKE_RESEND_LATENCY_MS, FAKE_RESEND_RATE_LIMIT.
 * Prints the base URL as the first stdout line (machine-readable: a parent process can read it),
 * then point the app at it with RESEND_BASE_URL=<url>. Debug endpoints on the same URL:
 *   GET /_stats → {accepted, requests, byStatus, replayed} · GET /_accepted?to=addr
 *   POST /_reset · POST /_fail {"n":1,"status":503}
 */
import { parseArgs } from "node:util";
import { startFakeResend } from "./fake-resend.js";

function numberOption(name: string, flag: string | undefined, envName: string): number | undefined {
  const raw = flag ?? process.env[envName];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`fake-resend: --${name} (${envName}) must be a non-negative number, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    latency: { type: "string" },
    "rate-limit": { type: "string" },
    "batch-size": { type: "string" },
    // Keep who got what and when, not the html and text (the bench sends a hundred thousand).
    "no-bodies": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  console.log("usage: fake-resend-cli [--port N] [--latency MS] [--rate-limit RPS] [--batch-size N] [--no-bodies]");
  process.exit(0);
}

const fake = await startFakeResend({
  port: numberOption("port", values.port, "FAKE_RESEND_PORT") ?? 0,
  latencyMs: numberOption("latency", values.latency, "FAKE_RESEND_LATENCY_MS") ?? 0,
  rateLimit: numberOption("rate-limit", values["rate-limit"], "FAKE_RESEND_RATE_LIMIT"),
  maxBatch: numberOption("batch-size", values["batch-size"], "FAKE_RESEND_BATCH_SIZE"),
  keepBodies: !values["no-bodies"],
});

console.log(fake.url);
console.error(`fake-resend listening; export RESEND_BASE_URL=${fake.url} · stats: ${fake.url}/_stats`);

// Close the server on Ctrl-C or when a bench harness stops us, so the port is freed.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void fake.close().finally(() => process.exit(0));
  });
}
