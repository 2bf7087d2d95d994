import net from "node:net";
import { startService, type Service } from "./service.js";

/**
 * Section (8): the slow-body flood of issue 30 §1 — N connections from one address, each sending
 * the headers of a 255,010-byte POST to /webhooks/resend and then 255,000 bytes of it, and holding
 * the connection open. The API's resident memory is read before, during (the peak, sampled every
 * 250 ms) and 10 s and 30 s after the flood. Four variants: the request (a stale
 * svix-timestamp) and the same with a fresh one (the route then reads each body, and only
 * REQUEST_TIMEOUT_SECONDS, 30 s, ends the trickle), each with the default limits and with the
 * per-address connection cap lifted (so the early header check and the timeouts alone are measured).
 *
 * `tsx bench/slow-bodies.ts [connections]` runs this section alone (BENCH_RUNTIME=tsx to skip
 * the build); `--port P --pid PID` floods a server started by hand (an older build, to compare).
 */
const BODY_BYTES = 255_000;
const DECLARED = 255_010;
const HOLD_MS = 40_000;

export interface FloodFigures {
  variant: string;
  connections: number;
  /** First status line per connection ("401", "503", "408", or "closed" without one). */
  answers: Record<string, number>;
  beforeMb: number;
  peakMb: number;
  /** 10 s and 30 s after the last flood connection closed. */
  afterMb: number;
  after30Mb: number;
}

function head(fresh: boolean): string {
  const ts = fresh ? Math.floor(Date.now() / 1000) : 1;
  return (
    "POST /webhooks/resend HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n" +
    `svix-id: msg_flood\r\nsvix-timestamp: ${ts}\r\nsvix-signature: v1,x\r\nContent-Length: ${DECLARED}\r\n\r\n`
  );
}

/** One flood connection: resolves with its first status code (or "closed"/"held") once the server closes it or HOLD_MS passes. */
function floodOne(port: number, fresh: boolean, body: Buffer): Promise<string> {
  return new Promise((resolve) => {
    let answer: string | undefined;
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(head(fresh));
      socket.write(body);
    });
    const timer = setTimeout(() => socket.destroy(), HOLD_MS);
    socket.on("data", (chunk) => {
      answer ??= /^HTTP\/1\.1 (\d{3})/.exec(chunk.toString("latin1"))?.[1] ?? "other";
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(answer ?? (socket.errored ? "reset" : "closed"));
    });
  });
}

export async function flood(options: {
  variant: string;
  port: number;
  connections: number;
  fresh: boolean;
  rssMb: () => Promise<number>;
}): Promise<FloodFigures> {
  const body = Buffer.alloc(BODY_BYTES);
  const beforeMb = await options.rssMb();
  let peakMb = beforeMb;
  const sampler = setInterval(() => void options.rssMb().then((mb) => (peakMb = Math.max(peakMb, mb))), 250);
  const outcomes: Promise<string>[] = [];
  // Opened 100 at a time, as fast as the machine accepts them.
  for (let i = 0; i < options.connections; i += 100) {
    const batch = Array.from({ length: Math.min(100, options.connections - i) }, () => floodOne(options.port, options.fresh, body));
    outcomes.push(...batch);
    await new Promise((r) => setTimeout(r, 20));
  }
  const answers: Record<string, number> = {};
  for (const answer of await Promise.all(outcomes)) answers[answer] = (answers[answer] ?? 0) + 1;
  clearInterval(sampler);
  peakMb = Math.max(peakMb, await options.rssMb());
  await new Promise((r) => setTimeout(r, 10_000));
  const afterMb = await options.rssMb();
  await new Promise((r) => setTimeout(r, 20_000));
  const after30Mb = await options.rssMb();
  return { variant: options.variant, connections: options.connections, answers, beforeMb, peakMb, afterMb, after30Mb };
}

const portOf = (service: Service) => Number(new URL(service.apiUrl).port);

export async function runSlowBodyFlood(o: { baseDatabaseUrl: string; redisUrl: string; connections: number }): Promise<FloodFigures[]> {
  const base = { backend: "redis" as const, baseDatabaseUrl: o.baseDatabaseUrl, redisUrl: o.redisUrl, rate: 50, batch: 100, limitFake: false };
  const figures: FloodFigures[] = [];
  const defaults = await startService(base);
  try {
    const rssMb = () => defaults.api.rssMb();
    figures.push(await flood({ variant: "stale headers, default limits", port: portOf(defaults), connections: o.connections, fresh: false, rssMb }));
    figures.push(await flood({ variant: "fresh headers, default limits", port: portOf(defaults), connections: o.connections, fresh: true, rssMb }));
  } finally {
    await defaults.stop();
  }
  const uncapped = await startService({ ...base, env: { MAX_CONNECTIONS_PER_CLIENT: "1000000" } });
  try {
    const rssMb = () => uncapped.api.rssMb();
    figures.push(await flood({ variant: "stale headers, no connection cap", port: portOf(uncapped), connections: o.connections, fresh: false, rssMb }));
    figures.push(await flood({ variant: "fresh headers, no connection cap (30 s timeout)", port: portOf(uncapped), connections: o.connections, fresh: true, rssMb }));
  } finally {
    await uncapped.stop();
  }
  return figures;
}

export function floodLines(figures: FloodFigures[]): string[] {
  return figures.map(
    (f) =>
      `(8) slow-body flood, ${f.variant}: ${f.connections} connections → ${JSON.stringify(f.answers)}; ` +
      `API RSS before / peak during / 10 s / 30 s after = ${f.beforeMb} / ${f.peakMb} / ${f.afterMb} / ${f.after30Mb} MB`,
  );
}

/** The API's RSS by pid (a server started by hand). */
async function rssOfPid(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const connections = Number(args.find((a) => /^\d+$/.test(a) && !["--port", "--pid"].includes(args[args.indexOf(a) - 1] ?? "")) ?? 2000);
  const run = flag("--port")
    ? flood({
        variant: `stale headers, server on port ${flag("--port")}`,
        port: Number(flag("--port")),
        connections,
        fresh: false,
        rssMb: () => rssOfPid(Number(flag("--pid"))),
      }).then((f) => [f])
    : runSlowBodyFlood({
        baseDatabaseUrl: process.env.BENCH_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test",
        redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
        connections,
      });
  run.then(
    (figures) => {
      for (const line of floodLines(figures)) console.log(line);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
