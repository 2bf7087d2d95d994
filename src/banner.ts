/**
 * What start-up tells a person (issue 18): what runs and where to go, in a few plain lines.
 * Pure: main.ts gathers the facts, this says them; the same pairs become one JSON log record's
 * fields when the logs are JSON (production, pipes), so a program finds them too.
 */
export interface StartupFacts {
  mode: "all" | "api" | "worker";
  env: "development" | "production" | "test";
  publicUrl: string;
  /** Set when start-up ran its own PostgreSQL (DATABASE_URL unset). */
  embedded: { dataDir: string; port: number } | undefined;
  databaseUrl: string;
  queueBackend: "redis" | "postgres";
  redisUrl: string | undefined;
  transport: string;
  admin: { kind: "link"; url: string; minutes: number; tokenFile: string } | { kind: "token" } | { kind: "closed" };
}

/** host:port/database only: a URL's user and password never reach a terminal or a log. */
export function describeUrl(value: string): string {
  try {
    const url = new URL(value);
    return `${url.hostname}${url.port ? `:${url.port}` : ""}${url.pathname === "/" ? "" : url.pathname}`;
  } catch {
    return "(unreadable URL)";
  }
}

/** One line of the banner: `value` is what a program reads (a URL where there is one), `note` is for people. */
export type Fact = [label: string, value: string, note?: string];

export function startupFacts(f: StartupFacts): Fact[] {
  const database = f.embedded
    ? `embedded PostgreSQL in ${f.embedded.dataDir} (port ${f.embedded.port})`
    : `PostgreSQL at ${describeUrl(f.databaseUrl)}`;
  const queue =
    f.queueBackend === "redis" ? `BullMQ on Redis at ${describeUrl(f.redisUrl ?? "redis://127.0.0.1:6379")}` : "BullMQ on PostgreSQL (the same database)";
  const email = f.transport === "outbox" ? "kept in the outbox, not sent (RESEND_API_KEY is unset)" : `sent through ${f.transport === "resend" ? "Resend" : f.transport}`;
  const pairs: Fact[] = [
    ["runs", `${f.mode === "all" ? "API + workers" : f.mode === "api" ? "API only" : "workers only"} (${f.env})`],
    ["database", database],
    ["queue", queue],
    ["emails", email],
  ];
  if (f.mode === "worker") return pairs;
  pairs.push(["landing", `${f.publicUrl}/`], ["outbox", `${f.publicUrl}/admin/outbox`]);
  if (f.admin.kind === "link") {
    pairs.push([
      "admin",
      f.admin.url,
      `opens the admin in your browser: once, within ${f.admin.minutes} minutes; after that, log in with the token in ${f.admin.tokenFile}`,
    ]);
  } else if (f.admin.kind === "token") {
    pairs.push(["admin", `${f.publicUrl}/admin (log in with ADMIN_TOKEN)`]);
  } else {
    pairs.push(["admin", "closed: set ADMIN_TOKEN to open it"]);
  }
  return pairs;
}

export const STARTED = "Flare-Up Reset is running";

/** The plain lines a person reads at a terminal. */
export function startupBanner(facts: StartupFacts): string {
  const pairs = startupFacts(facts);
  const width = Math.max(...pairs.map(([label]) => label.length));
  const lines = pairs.flatMap(([label, value, note]) => [
    `  ${label.padEnd(width)}  ${value}`,
    ...(note ? [`  ${"".padEnd(width)}  (${note})`] : []),
  ]);
  return [`\n${STARTED}`, ...lines, ""].join("\n") + "\n";
}

/** The same facts as one log record's fields (the JSON logs): label → value. */
export function startupFields(facts: StartupFacts): Record<string, string> {
  return Object.fromEntries(startupFacts(facts).map(([label, value]) => [label, value]));
}
