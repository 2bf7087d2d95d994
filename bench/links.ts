import http from "node:http";
import { signToken } from "../src/tokens.js";

/**
 * Section (10): what a tracked link (GET /l/:token, DESIGN.md "Signals") costs the reader who
 * clicks it — the time to the redirect, with the fetch recorded and judged on the way. The
 * related-reading link of real welcomes (signed as the composer signs it: the bench's fake
 * provider keeps no bodies), each opened once, ten at a time over keep-alive connections, as a
 * browser's; p50 / p95 of the time to the 302.
 */
export async function measureRedirects(
  apiUrl: string,
  appSecret: string,
  welcomeIds: number[],
  concurrency = 10,
): Promise<{ p50: number; p95: number; count: number; failures: string[] }> {
  const failures: string[] = [];
  const paths = welcomeIds.map((id) => `/l/${signToken(appSecret, "link", String(id), null, "reading-starter")}`);
  if (paths.length === 0) return { p50: 0, p95: 0, count: 0, failures: ["no welcome to take a link from"] };
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const durations: number[] = [];
  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = http.get(`${apiUrl}${path}`, { agent, headers: { "user-agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15" } }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode !== 302) failures.push(`GET ${path.slice(0, 12)}…: ${res.statusCode}`);
          resolve(Number(process.hrtime.bigint() - started) / 1e6);
        });
      });
      req.on("error", reject);
    });
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < paths.length) durations.push(await get(paths[next++]!));
    }),
  );
  agent.destroy();
  durations.sort((a, b) => a - b);
  const at = (p: number) => Math.round(durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))]! * 10) / 10;
  return { p50: at(50), p95: at(95), count: durations.length, failures };
}
