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
