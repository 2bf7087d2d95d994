import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Structured logs. Secrets never reach them: code logs ids, not addresses or tokens, and these
 * paths are redacted as a second line of defence in case an object is logged whole.
 */
export const REDACT_PATHS = [
  "appSecret",
  "adminToken",
  "apiKey",
  "password",
  "token",
  "authorization",
  "email",
  "*.appSecret",
  "*.adminToken",
  "*.apiKey",
  "*.password",
  "*.token",
  "*.authorization",
  "*.email",
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
  return pino({ level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, destination);
}

export type LogFormat = "pretty" | "json";

/**
 * How the process logs (issue 18): short coloured lines for a person at a terminal in
 * development; JSON lines everywhere else — production, pipes, CI, a log shipper — since those
 * are read by programs. The same records either way; only the rendering differs.
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
