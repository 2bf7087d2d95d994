import { closeSync, openSync, readSync } from "node:fs";
import { z } from "zod";
import { DEFAULT_CARE } from "../emails/components/red-flags-wording.js";

/** The environment, parsed once into a typed Config; nothing else reads process.env: it is passed on. */

const bool = <T extends boolean | undefined>(fallback: T) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      if (["true", "1", "yes", "on"].includes(v)) return true;
      if (["false", "0", "no", "off"].includes(v)) return false;
      ctx.addIssue({ code: "custom", message: `must be true or false (got ${JSON.stringify(v)})` });
      return z.NEVER;
    });

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : v));

/**
 * A token sent as `Authorization: Bearer …`: RFC 6750 §2.1's b64token characters only, or no
 * client could send it (hono/bearer-auth refuses anything else before comparing).
 */
const bearerTokenSetting = optionalString
  .refine((v) => v === undefined || v.length >= 16, { message: "must be at least 16 characters" })
  .refine((v) => v === undefined || /^[A-Za-z0-9._~+/-]+=*$/.test(v), {
    message: "must use only letters, digits and - . _ ~ + / (an RFC 6750 bearer token)",
  });

const number = (fallback: number, check: (n: number) => boolean, what: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || !check(n)) {
        ctx.addIssue({ code: "custom", message: `must be ${what} (got ${JSON.stringify(v)})` });
        return z.NEVER;
      }
      return n;
    });

const url = (what: string, protocols: string[]) =>
  optionalString.refine(
    (v) => {
      if (v === undefined) return true;
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be ${what}` },
  );

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** GUIDE_PDF_PATH is checked at start-up, so a typo stops the service instead of the first download. */
function isPdfFile(path: string): boolean {
  try {
    const fd = openSync(path, "r");
    try {
      const head = Buffer.alloc(5);
      return readSync(fd, head, 0, 5, 0) === 5 && head.toString("latin1") === "%PDF-";
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

const SEND_WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOST: z.string().trim().default("0.0.0.0"),
  PORT: number(3000, (n) => Number.isInteger(n) && n > 0 && n < 65536, "an integer between 1 and 65535"),
  PUBLIC_URL: url("an http(s) URL such as https://guide.example-clinic.com", ["http:", "https:"]),
  DATABASE_URL: url("a postgres:// URL", ["postgres:", "postgresql:"]),
  DATABASE_POOL_SIZE: number(10, (n) => Number.isInteger(n) && n >= 1 && n <= 200, "an integer between 1 and 200"),
  EMBEDDED_PG_PORT: number(54329, (n) => Number.isInteger(n) && n > 0 && n < 65536, "an integer port"),
  DATA_DIR: z.string().trim().default(".data"),
  WORKER_CONCURRENCY: number(8, (n) => Number.isInteger(n) && n >= 1 && n <= 256, "an integer between 1 and 256"),
  REDIS_URL: url("a redis:// or rediss:// URL", ["redis:", "rediss:"]),
  QUEUE_BACKEND: z
    .enum(["redis", "postgres"], { error: 'must be "redis" or "postgres"' })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  QUEUE_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]+$/, "must be letters, digits, - or _")
    .default("fur"),
  APP_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, {
    message: "must be at least 32 characters (try: openssl rand -hex 32)",
  }),
  ADMIN_TOKEN: bearerTokenSetting,
  METRICS_TOKEN: bearerTokenSetting,
  RESEND_API_KEY: optionalString,
  RESEND_BASE_URL: url("an http(s) URL", ["http:", "https:"]),
  RESEND_WEBHOOK_SECRET: optionalString.refine((v) => v === undefined || /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(v), {
    message: 'must be "whsec_" followed by base64 (copy it from the Resend dashboard)',
  }),
  RESEND_BATCH_SIZE: number(100, (n) => Number.isInteger(n) && n >= 1 && n <= 100, "an integer from 1 to 100 (Resend's batch limit; 1 = no batching)"),
  RESEND_RATE_LIMIT: number(2, (n) => n > 0 && n <= 1000, "a number of requests per second above 0"),
  EMAIL_FROM: optionalString.refine((v) => v === undefined || v.length >= 3, { message: "must be a sender such as Clinic <guide@clinic.example>" }),
  EMAIL_REPLY_TO: optionalString.pipe(z.email({ message: "must be an email address" }).optional()),
  POSTAL_ADDRESS: optionalString,
  CLINIC_NAME: optionalString,
  DOUBLE_OPT_IN: bool(false),
  SEQUENCE_TIME_SCALE: number(1, (n) => n > 0, "a number above 0 (86400 makes a day pass in a second)"),
  SEND_WINDOW: optionalString.refine((v) => v === undefined || SEND_WINDOW.test(v), {
    message: 'must look like "08:00-20:00" (or be empty for any time)',
  }),
  DEFAULT_TIMEZONE: z
    .string()
    .trim()
    .default("UTC")
    .refine(isValidTimeZone, { message: "must be an IANA time zone such as Europe/Lisbon" }),
  ALLOWED_ORIGINS: optionalString.refine(
    (v) =>
      v === undefined ||
      v.split(",").every((o) => {
        const origin = o.trim();
        if (origin === "*") return true;
        try {
          return new URL(origin).origin === origin;
        } catch {
          return false;
        }
      }),
    { message: 'must be a comma-separated list of origins such as "https://clinic.example"' },
  ),
  SIGNUP_BACKLOG: number(2000, (n) => Number.isInteger(n) && n >= 1, "an integer ≥ 1"),
  SIGNUP_RATE_LIMIT: number(20, (n) => Number.isInteger(n) && n >= 0, "an integer ≥ 0 (0 turns it off)"),
  TRUST_PROXY: bool(false),
  // Unset: true outside production (an n8n on the LAN, a local test receiver), false in it.
  WEBHOOK_ALLOW_PRIVATE_URLS: bool(undefined),
  TOOLS_URL: url("an http(s) URL", ["http:", "https:"]),
  // Unset means no supplement block at all (issue 27, item 5): no built-in store link goes out.
  SUPPLEMENT_URL: url("an http(s) URL", ["http:", "https:"]),
  // Whether each link earns the clinic a commission: the email marks it and adds the disclosure.
  // Production asks for TOOLS_AFFILIATE to be declared when TOOLS_URL is set (see parseConfig).
  TOOLS_AFFILIATE: bool(false),
  // A supplement link is usually an earning practitioner referral: disclosed unless the clinic says no.
  SUPPLEMENT_AFFILIATE: bool(true),
  // How a reader reaches care (issue 27, items 1, 3): the number the red-flag lines everywhere name.
  EMERGENCY_NUMBER: optionalString.refine((v) => v === undefined || /^[0-9+][0-9 ()+-]{1,19}$/.test(v), {
    message: 'must be a phone number such as 911, 999 or 112 (digits, spaces, + - ( ) only)',
  }),
  CLINIC_PHONE: optionalString.refine((v) => v === undefined || /^[0-9+(][0-9 ().+-]{4,29}(\s*(ext\.?|x)\s*[0-9]{1,6})?$/i.test(v), {
    message: 'must be a phone number such as "(555) 010-0199" or "+1 555 010 0199"',
  }),
  CLINIC_HOURS: optionalString.refine((v) => v === undefined || (v.length <= 120 && !/[<>\u0000-\u001f]/.test(v)), {
    message: 'must be one short line of text such as "Mon–Fri 8am–6pm" (at most 120 characters)',
  }),
  PRIVACY_URL: url("an http(s) URL", ["http:", "https:"]),
  BOOKING_URL: url("an http(s) URL", ["http:", "https:"]),
  RELATED_READING_STARTER_URL: url("an http(s) URL", ["http:", "https:"]),
  RELATED_READING_LOAD_CAPACITY_URL: url("an http(s) URL", ["http:", "https:"]),
  RELATED_READING_POSITIONS_URL: url("an http(s) URL", ["http:", "https:"]),
  GUIDE_LINK_TTL_DAYS: number(30, (n) => n > 0, "a number of days above 0"),
  GUIDE_PDF_PATH: optionalString.refine((v) => v === undefined || isPdfFile(v), {
    message: "must be the path of a readable PDF file (one that starts with %PDF-)",
  }),
  PENDING_TTL_DAYS: number(7, (n) => n > 0, "a number of days above 0"),
  ENGAGEMENT_RETENTION_DAYS: number(365, (n) => n > 0, "a number of days above 0"),
  REQUEST_TIMEOUT_SECONDS: number(30, (n) => n > 0 && n <= 3600, "a number of seconds above 0, at most 3600"),
  MAX_CONNECTIONS_PER_CLIENT: number(64, (n) => Number.isInteger(n) && n >= 1, "an integer ≥ 1"),
  AUDIT_RETENTION_DAYS: number(365, (n) => Number.isInteger(n) && n >= 1, "a whole number of days, at least 1"),
});

/** The typed settings: what parseConfig returns (each field's meaning is written beside it there). */
export type Config = ReturnType<typeof parseConfig>;

/** Development defaults only: production refuses to start without CLINIC_NAME and EMAIL_FROM. */
export const DEFAULT_CLINIC_NAME = "Flare-Up Reset";
export const DEFAULT_EMAIL_FROM = "Flare-Up Reset <onboarding@resend.dev>";

export const DEFAULT_POSTAL_ADDRESS = "Flare-Up Reset Clinic · 100 Example Street · Springfield";

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment; throws a ConfigError whose message is one line naming the variable. */
export function parseConfig(env: Record<string, string | undefined>) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? "configuration");
    // One line, whatever the value held: start-up logs read it as a single message.
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}`.replace(/[\r\n]+/g, " "));
  }
  const e = parsed.data;
  if (e.NODE_ENV === "production") {
    // The defaults are the project's name and Resend's test sender: production mail must come from,
    // and be named as, the clinic (issue 15). EMAIL_REPLY_TO (issue 27, item 4): every email says
    // "just reply" and that a person reads it; else replies reach the sending address, maybe unread.
    for (const name of ["APP_SECRET", "POSTAL_ADDRESS", "PUBLIC_URL", "CLINIC_NAME", "EMAIL_FROM", "EMAIL_REPLY_TO"] as const) {
      if (!e[name]) throw new ConfigError(`Invalid configuration: ${name} is required when NODE_ENV=production`);
    }
    // Item 6: TOOLS_AFFILIATE's default (false) would leave a commission link unmarked, so a tools link
    // must say which it is; read raw, as the parsed value cannot tell "false" from "not set".
    if (e.TOOLS_URL !== undefined && (env.TOOLS_AFFILIATE ?? "").trim() === "") {
      throw new ConfigError(
        "Invalid configuration: TOOLS_AFFILIATE must be set to true or false when TOOLS_URL is set and NODE_ENV=production",
      );
    }
  }
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    dataDir: e.DATA_DIR,
    workerConcurrency: e.WORKER_CONCURRENCY,
    /** Where BullMQ keeps its jobs: Redis when REDIS_URL is set, else BullMQ's Postgres backend. */
    queueBackend: e.QUEUE_BACKEND ?? (e.REDIS_URL ? ("redis" as const) : ("postgres" as const)),
    // QUEUE_BACKEND=redis without a URL means the local default.
    redisUrl: e.REDIS_URL ?? (e.QUEUE_BACKEND === "redis" ? "redis://127.0.0.1:6379" : undefined),
    queuePrefix: e.QUEUE_PREFIX,
    /** Undefined only until main.ts fills in a development secret kept in DATA_DIR. */
    appSecret: e.APP_SECRET,
    adminToken: e.ADMIN_TOKEN,
    /** A Bearer token that opens GET /metrics only (for Prometheus), besides ADMIN_TOKEN. */
    metricsToken: e.METRICS_TOKEN,
    resend: {
      apiKey: e.RESEND_API_KEY,
      baseUrl: e.RESEND_BASE_URL,
      webhookSecret: e.RESEND_WEBHOOK_SECRET,
      rateLimitPerSecond: e.RESEND_RATE_LIMIT,
      /** Emails per batch request when several are due (≤ 100); 1 turns batching off. */
      batchSize: e.RESEND_BATCH_SIZE,
    },
    email: {
      from: e.EMAIL_FROM ?? DEFAULT_EMAIL_FROM,
      replyTo: e.EMAIL_REPLY_TO,
      postalAddress: e.POSTAL_ADDRESS ?? DEFAULT_POSTAL_ADDRESS,
      clinicName: e.CLINIC_NAME ?? DEFAULT_CLINIC_NAME,
    },
    doubleOptIn: e.DOUBLE_OPT_IN,
    sequenceTimeScale: e.SEQUENCE_TIME_SCALE,
    sendWindow: e.SEND_WINDOW ? parseSendWindow(e.SEND_WINDOW) : undefined,
    defaultTimeZone: e.DEFAULT_TIMEZONE,
    allowedOrigins: e.ALLOWED_ORIGINS ? e.ALLOWED_ORIGINS.split(",").map((o) => o.trim()) : [],
    signupRateLimitPerMinute: e.SIGNUP_RATE_LIMIT,
    /** Signups one API process lets wait for the database at most; past it, 503 with Retry-After. */
    signupBacklog: e.SIGNUP_BACKLOG,
    trustProxy: e.TRUST_PROXY,
    /** Outgoing webhooks (issue 16): may endpoints be private addresses or plain http? */
    webhooks: { allowPrivateUrls: e.WEBHOOK_ALLOW_PRIVATE_URLS ?? e.NODE_ENV !== "production" },
    guideLinkTtlDays: e.GUIDE_LINK_TTL_DAYS,
    /** The clinic's own guide PDF, served instead of the one the service builds. */
    guidePdfPath: e.GUIDE_PDF_PATH,
    /** Double opt-in: unconfirmed subscribers are deleted this long after their last request. */
    pendingTtlDays: e.PENDING_TTL_DAYS,
    /** Per-person downloads, clicks and opens are kept this long, then folded into anonymous counts. */
    engagementRetentionDays: e.ENGAGEMENT_RETENTION_DAYS,
    /** The admin audit trail keeps this many days (the maintenance worker deletes older rows). */
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    /** The HTTP server's own limits (src/server.ts): a whole request's time, connections per client address. */
    http: { requestTimeoutMs: Math.round(e.REQUEST_TIMEOUT_SECONDS * 1000), maxConnectionsPerClient: e.MAX_CONNECTIONS_PER_CLIENT },
    /** How readers reach care: the red-flag lines, same-day care and the reply note. */
    care: {
      // One default for the emails, the guide and the pages: DEFAULT_CARE (911, the article's readers).
      emergencyNumber: e.EMERGENCY_NUMBER ?? DEFAULT_CARE.emergencyNumber,
      clinicPhone: e.CLINIC_PHONE,
      clinicHours: e.CLINIC_HOURS,
    },
    /** PRIVACY_URL: the clinic's privacy notice, linked under the signup form when set. */
    privacyUrl: e.PRIVACY_URL,
    /** Links in the emails and the guide; each is left out when unset (a link is marked affiliate only when its flag says so). */
    links: {
      toolsUrl: e.TOOLS_URL,
      toolsAffiliate: e.TOOLS_AFFILIATE,
      supplementUrl: e.SUPPLEMENT_URL,
      supplementAffiliate: e.SUPPLEMENT_AFFILIATE,
      bookingUrl: e.BOOKING_URL,
      reading: {
        starterGuideUrl: e.RELATED_READING_STARTER_URL,
        loadCapacityUrl: e.RELATED_READING_LOAD_CAPACITY_URL,
        positionsUrl: e.RELATED_READING_POSITIONS_URL,
      },
    },
  };
}

function parseSendWindow(value: string): { startMinute: number; endMinute: number } {
  const [start = "", end = ""] = value.split("-");
  const minutes = (hhmm: string) => {
    const [h, m] = hhmm.split(":").map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  };
  return { startMinute: minutes(start), endMinute: minutes(end) };
}
