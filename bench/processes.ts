import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** Child processes for the bench: the service, the fake provider and the yardstick server. */
export interface Child {
  process: ChildProcess;
  stop(): Promise<void>;
  rssMb(): Promise<number>;
}

const TSX = "node_modules/.bin/tsx";

/** Runs a TypeScript file through tsx, or (a `.js` path) a compiled one with plain node. */
export function startChild(script: string, args: string[], env: Record<string, string>): Child {
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to the compiled service's node.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const [command, commandArgs] = script.endsWith(".js") ? [process.execPath, [...nodeArgs, script, ...args]] : [TSX, [script, ...args]];
  const child = spawn(command, commandArgs, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: tsx's node child is stopped with it
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    if (process.env.BENCH_VERBOSE) process.stderr.write(chunk);
  });
  return {
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        return;
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    },
    rssMb: () => groupRssMb(child.pid!),
  };
}

/**
 * Sets a child's CPU priority (a nice value; 0 is the default). The child leads its own session
 * (`detached`), and where Linux groups a session's processes for scheduling (autogroup) a
 * process's own nice only ranks it within that group: the group's nice is what weighs against
 * the other processes, so both are set. Docker's `cpu_shares` is the same weight for a container.
 */
export async function setCpuPriority(child: Child, nice: number): Promise<void> {
  const { setPriority } = await import("node:os");
  const { writeFile } = await import("node:fs/promises");
  const pid = child.process.pid!;
  setPriority(pid, nice);
  await writeFile(`/proc/${pid}/autogroup`, String(nice)).catch(() => undefined); // no autogroups here
}

/** The first line a child prints on stdout (a URL or a port). */
export function firstLine(child: Child, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("child printed nothing in time")), timeoutMs);
    const lines = createInterface({ input: child.process.stdout! });
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.process.once("exit", (code) => reject(new Error(`child exited early (${code})`)));
  });
}

/** Resident memory of a process group (tsx runs node as a child), in MB, from /proc. */
async function groupRssMb(pgid: number): Promise<number> {
  const { readdir, readFile } = await import("node:fs/promises");
  let kb = 0;
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue; // field 5 (pgrp), counted after the command
      const status = await readFile(`/proc/${pid}/status`, "utf8");
      const match = /VmRSS:\s+(\d+)/.exec(status);
      // tsx's launcher is small; the node that runs our code is what we measure.
      kb = Math.max(kb, Number(match?.[1] ?? 0));
    } catch {
      // The process ended while we looked.
    }
  }
  return Math.round(kb / 1024);
}

/**
 * CPU time (user + system, in seconds) used so far by every process on the machine, summed into
 * the named groups: each child's process group, the PostgreSQL and Redis servers (by command
 * name: their backends are children of the server, not of the bench) and this process (the load
 * generator). Two readings around a load show where its CPU went.
 */
export async function cpuSeconds(groups: Record<string, Child>): Promise<Map<string, number>> {
  const { readdir, readFile } = await import("node:fs/promises");
  const byPgid = new Map(Object.entries(groups).map(([name, child]) => [child.process.pid!, name]));
  const ticksPerSecond = 100; // USER_HZ on Linux
  const totals = new Map<string, number>();
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // After the command: field 3 is pgrp (index 2), 14 and 15 are utime and stime (11, 12).
      const name =
        Number(pid) === process.pid
          ? "load generator"
          : (byPgid.get(Number(fields[2])) ??
            (command.startsWith("postgres") ? "postgres" : command.startsWith("redis-server") ? "redis" : undefined));
      if (!name) continue;
      totals.set(name, (totals.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
    } catch {
      // The process ended while we looked.
    }
  }
  return totals;
}

/**
 * CPU time (seconds) the whole machine spent busy so far, from /proc/stat: unlike the per-process
 * sums above it keeps what short-lived processes used (a PostgreSQL backend whose connection
 * closed takes its counters with it).
 */
export async function machineCpuSeconds(): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const cpu = (await readFile("/proc/stat", "utf8")).split("\n")[0]!;
  const [user, nice, system, , , irq, softirq, steal] = cpu.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100; // USER_HZ
}

export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
