import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Structured logs. Secrets never reach them: code logs ids, not addresses or tokens, and these
 * paths are redacted as a second line of defence in case an object is logged whole.
 */
const SECRET_KEYS = ["appSecret", "adminToken", "apiKey", "password", "token", "authorization", "email"];
export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  "*.databaseUrl",
  "*.redisUrl",
  "*.webhookSecret",
  "resend.apiKey",
  "resend.webhookSecret",
  "config.resend.apiKey",
  "config.resend.webhookSecret",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, serializers: { err: serializeError, error: serializeError } },
    destination,
  );
}

/**
 * Fields of an error that hold a query's values or a row: drizzle's DrizzleQueryError `params`;
 * postgres.js's `parameters`, `args` and `types` (enumerable with its `debug` option); a
 * PostgresError's `detail` ("Failing row contains (…)", "Key (email)=(…) already exists") and
 * `where` (a trigger's context). Issue 30: a failed insert logged an endpoint's secret URL.
 */
const VALUE_FIELDS = new Set(["params", "parameters", "args", "types", "detail", "where"]);

/** Schemes whose URLs may carry a secret in their path, query or user info (webhook URLs, connection strings). */
const URL_WITH_PATH = /\b((?:https?|wss?|postgres(?:ql)?|rediss?):\/\/)(?:[^\s/?#@"'<>]*@)?([^\s/?#"'<>]*)[^\s"'<>)\]]*/gi;

/** DrizzleQueryError's message and stack end the query with "\nparams: v1,v2,…" (the values). */
const DRIZZLE_PARAMS = /\nparams: [\s\S]*?(?=\n\s+at |$)/g;

/** PostgreSQL's "invalid input syntax for type uuid: \"…\"" (and "invalid input value for enum …") quote the value. */
const REFUSED_INPUT = /(invalid input (?:syntax|value) for [^:\n]*: )"[^"\n]*"/g;

/** Text an error carries, without query values and with every URL cut to its scheme and host. */
export function scrubLogText(text: string): string {
  return text
    .replace(DRIZZLE_PARAMS, "\nparams: [redacted]")
    .replace(REFUSED_INPUT, '$1"[redacted]"')
    .replace(URL_WITH_PATH, "$1$2/[redacted]");
}

/**
 * The one error serializer for logs (pino's `err` and `error` keys): type, code, message, stack,
 * cause chain and other fields minus VALUE_FIELDS, every text scrubbed (scrubLogText). PostgreSQL's
 * data exceptions (class 22) quote the refused value (`invalid input syntax for type uuid: "…"`),
 * so their quotes are emptied too; a string logged as `err` is scrubbed the same way.
 */
export function serializeError(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubLogText(value);
  if (!(value instanceof Error) || depth > 8) return value;
  const fields = value as unknown as Record<string, unknown>;
  const dataException = typeof fields.code === "string" && fields.code.startsWith("22");
  const text = (t: string) => {
    const scrubbed = scrubLogText(t);
    return dataException ? scrubbed.replace(/"[^"\n]*"/g, '"[redacted]"') : scrubbed;
  };
  const out: Record<string, unknown> = { type: value.constructor?.name ?? value.name, message: text(value.message) };
  if (value.stack) out.stack = text(value.stack);
  for (const key of Object.keys(value)) {
    if (VALUE_FIELDS.has(key) || key in out || key === "cause") continue;
    const field = fields[key];
    out[key] = field instanceof Error ? serializeError(field, depth + 1) : typeof field === "string" ? text(field) : field;
  }
  if (value.cause !== undefined) out.cause = serializeError(value.cause, depth + 1);
  if (value instanceof AggregateError) out.errors = value.errors.map((e: unknown) => serializeError(e, depth + 1));
  return out;
}

export type LogFormat = "pretty" | "json";

/**
 * How the process logs (issue 18): short coloured lines for a person at a terminal in development,
 * JSON lines everywhere else (production, pipes, CI, log shippers: read by programs). Same records.
 */
export function logFormat(env: "development" | "production" | "test", stdoutIsTTY: boolean): LogFormat {
  return env === "development" && stdoutIsTTY ? "pretty" : "json";
}

/**
 * The entry points' logger. pino-pretty is a devDependency, so it is loaded only when wanted;
 * where it is not installed (a production image run by hand at a terminal) the logs stay JSON.
 */
export async function createConsoleLogger(level: string, format: LogFormat): Promise<Logger> {
  if (format === "json") return createLogger(level);
  try {
    const { default: pretty } = await import("pino-pretty");
    // sync: a fatal line written just before process.exit() is not lost.
    return createLogger(level, pretty({ colorize: true, ignore: "pid,hostname", translateTime: "SYS:HH:MM:ss", sync: true }));
  } catch {
    return createLogger(level);
  }
}
