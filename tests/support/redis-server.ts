import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./free-port.js";

export interface LocalServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A throwaway Redis for one test run: `binary` on a free port, its working directory a temporary
 * one removed at the end, nothing saved (`--save ""`, no AOF). noeviction, as production needs
 * it for BullMQ (DESIGN.md). Resolves once the server says it is ready.
 */
export async function startRedisServer(binary: string): Promise<LocalServer> {
  const dir = await mkdtemp(path.join(tmpdir(), "fur-test-redis-"));
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const onData = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", () => output.includes("Ready to accept connections") && resolve());
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  // Its log is no longer needed; reading on keeps the pipes from filling up.
  child.stdout.removeAllListeners("data").resume();
  child.stderr.removeAllListeners("data").resume();
  // A run interrupted (Ctrl-C, a timeout's signal) exits without its teardown: stop it anyway.
  const onExit = () => {
    child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", onExit);
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      process.off("exit", onExit);
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
