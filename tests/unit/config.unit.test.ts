import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_CLINIC_NAME, DEFAULT_EMAIL_FROM, parseConfig } from "../../src/config.js";

type Env = Record<string, string | undefined>;

const SECRET = "0123456789abcdef0123456789abcdef"; // exactly 32 characters
const PRODUCTION: Env = {
  NODE_ENV: "production",
  APP_SECRET: SECRET,
  POSTAL_ADDRESS: "42 Harbour Road, Port Town 12345",
  PUBLIC_URL: "https://guide.example-clinic.com",
  CLINIC_NAME: "Harbour Spine Clinic",
  EMAIL_FROM: "Harbour Spine Clinic <guide@harbour.example>",
  EMAIL_REPLY_TO: "care@harbour.example",
};

/** The ConfigError parseConfig throws for `env`; fails the test if it returns or throws anything else. */
function configError(env: Env): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(env)}`);
}

describe("parseConfig defaults", () => {
  const config = parseConfig({});

  it("fills every setting from an empty environment", () => {
    expect(config.env).toBe("development");
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe("http://localhost:3000");
    expect(config.resend.rateLimitPerSecond).toBe(2);
    expect(config.signupRateLimitPerMinute).toBe(20);
    expect(config.doubleOptIn).toBe(false);
    expect(config.sequenceTimeScale).toBe(1);
    // Issue 27, item 5: no built-in store link; unset means no supplement block.
    expect(config.links.supplementUrl).toBeUndefined();
    expect(config.care).toEqual({ emergencyNumber: "911", clinicPhone: undefined, clinicHours: undefined });
    expect(config.privacyUrl).toBeUndefined();
    expect(config.links.toolsUrl).toBeUndefined();
    expect(config.sendWindow).toBeUndefined();
    expect(config.allowedOrigins).toEqual([]);
    expect(config.defaultTimeZone).toBe("UTC");
    expect(config.email.clinicName).toBe(DEFAULT_CLINIC_NAME);
    expect(config.email.from).toBe(DEFAULT_EMAIL_FROM);
    // A supplement link is usually a referral link: disclosed unless the clinic says otherwise.
    expect(config.links.supplementAffiliate).toBe(true);
    expect(config.links.toolsAffiliate).toBe(false);
    expect(config.links.bookingUrl).toBeUndefined();
    expect(config.links.reading).toEqual({ starterGuideUrl: undefined, loadCapacityUrl: undefined, positionsUrl: undefined });
  });

  it("reads the booking link, the related reading and the affiliate flags", () => {
    const config = parseConfig({
      BOOKING_URL: "https://clinic.example/book",
      RELATED_READING_STARTER_URL: "https://clinic.example/starter",
      RELATED_READING_LOAD_CAPACITY_URL: "https://clinic.example/load",
      RELATED_READING_POSITIONS_URL: "https://clinic.example/positions",
      TOOLS_URL: "https://clinic.example/tools",
      TOOLS_AFFILIATE: "true",
      SUPPLEMENT_URL: "https://www.thorne.com/u/PR2106491",
      SUPPLEMENT_AFFILIATE: "false",
    });
    expect(config.links).toEqual({
      toolsUrl: "https://clinic.example/tools",
      toolsAffiliate: true,
      supplementUrl: "https://www.thorne.com/u/PR2106491",
      supplementAffiliate: false,
      bookingUrl: "https://clinic.example/book",
      reading: {
        starterGuideUrl: "https://clinic.example/starter",
        loadCapacityUrl: "https://clinic.example/load",
        positionsUrl: "https://clinic.example/positions",
      },
    });
  });

  it("reads the care settings and PRIVACY_URL", () => {
    const config = parseConfig({
      EMERGENCY_NUMBER: "999",
      CLINIC_PHONE: "+44 20 7946 0018",
      CLINIC_HOURS: "Mon–Fri 8am–6pm",
      PRIVACY_URL: "https://clinic.example/privacy",
    });
    expect(config.care).toEqual({ emergencyNumber: "999", clinicPhone: "+44 20 7946 0018", clinicHours: "Mon–Fri 8am–6pm" });
    expect(config.privacyUrl).toBe("https://clinic.example/privacy");
    expect(parseConfig({ CLINIC_PHONE: "(555) 010-0199 ext. 12" }).care.clinicPhone).toBe("(555) 010-0199 ext. 12");
  });

  it("treats empty strings as unset", () => {
    const fromEmpty = parseConfig({ PORT: "", DOUBLE_OPT_IN: "", SEND_WINDOW: "", PUBLIC_URL: "", APP_SECRET: "" });
    expect(fromEmpty.port).toBe(3000);
    expect(fromEmpty.doubleOptIn).toBe(false);
    expect(fromEmpty.sendWindow).toBeUndefined();
    expect(fromEmpty.publicUrl).toBe("http://localhost:3000");
    expect(fromEmpty.appSecret).toBeUndefined();
  });

  it("builds the default public URL from PORT", () => {
    expect(parseConfig({ PORT: "8080" }).publicUrl).toBe("http://localhost:8080");
  });
});

describe("parseConfig rejects invalid values with a one-line message naming the variable", () => {
  const cases: [variable: string, env: Env][] = [
    ["PORT", { PORT: "abc" }],
    ["PORT", { PORT: "70000" }],
    ["PORT", { PORT: "0" }],
    ["PORT", { PORT: "80.5" }],
    ["DOUBLE_OPT_IN", { DOUBLE_OPT_IN: "maybe" }],
    ["SEQUENCE_TIME_SCALE", { SEQUENCE_TIME_SCALE: "0" }],
    ["SEQUENCE_TIME_SCALE", { SEQUENCE_TIME_SCALE: "-1" }],
    ["SEND_WINDOW", { SEND_WINDOW: "8-20" }],
    ["SEND_WINDOW", { SEND_WINDOW: "08:00-25:00" }],
    ["APP_SECRET", { APP_SECRET: "too-short-secret" }],
    ["APP_SECRET", { APP_SECRET: SECRET.slice(1) }],
    ["RESEND_WEBHOOK_SECRET", { RESEND_WEBHOOK_SECRET: "abc123" }],
    ["DEFAULT_TIMEZONE", { DEFAULT_TIMEZONE: "Mars/Base" }],
    ["ALLOWED_ORIGINS", { ALLOWED_ORIGINS: "not-a-url" }],
    ["ALLOWED_ORIGINS", { ALLOWED_ORIGINS: "https://clinic.example/path" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://x" }],
    ["EMAIL_REPLY_TO", { EMAIL_REPLY_TO: "nope" }],
    ["RESEND_RATE_LIMIT", { RESEND_RATE_LIMIT: "-1" }],
    ["RESEND_RATE_LIMIT", { RESEND_RATE_LIMIT: "0" }],
    ["SIGNUP_RATE_LIMIT", { SIGNUP_RATE_LIMIT: "1.5" }],
    ["NODE_ENV", { NODE_ENV: "staging" }],
    ["PUBLIC_URL", { PUBLIC_URL: "ftp://guide.example" }],
    ["BOOKING_URL", { BOOKING_URL: "javascript:alert(1)" }],
    ["RELATED_READING_POSITIONS_URL", { RELATED_READING_POSITIONS_URL: "not a url" }],
    ["TOOLS_AFFILIATE", { TOOLS_AFFILIATE: "sometimes" }],
    ["AUDIT_RETENTION_DAYS", { AUDIT_RETENTION_DAYS: "0" }],
    ["AUDIT_RETENTION_DAYS", { AUDIT_RETENTION_DAYS: "30.5" }],
    ["REQUEST_TIMEOUT_SECONDS", { REQUEST_TIMEOUT_SECONDS: "0" }],
    ["MAX_CONNECTIONS_PER_CLIENT", { MAX_CONNECTIONS_PER_CLIENT: "0" }],
    ["SIGNUP_BACKLOG", { SIGNUP_BACKLOG: "-5" }],
    ["EMERGENCY_NUMBER", { EMERGENCY_NUMBER: "call the police" }],
    ["CLINIC_PHONE", { CLINIC_PHONE: "ring us" }],
    ["CLINIC_HOURS", { CLINIC_HOURS: "x".repeat(121) }],
    ["PRIVACY_URL", { PRIVACY_URL: "javascript:alert(1)" }],
  ];

  it.each(cases)("%s: %j", (variable, env) => {
    const { message } = configError(env);
    expect(message).toContain(variable);
    expect(message).not.toMatch(/[\r\n]/);
  });

  it("stays on one line even when the value itself contains a line break", () => {
    const { message } = configError({ PORT: "80\n80" });
    expect(message).toContain("PORT");
    expect(message).not.toMatch(/[\r\n]/);
  });

  it("does not echo a secret that is too short or has the wrong prefix", () => {
    const shortSecret = "s3cr3t-but-short";
    expect(configError({ APP_SECRET: shortSecret }).message).not.toContain(shortSecret);
    const webhookSecret = "abc_ThisLooksLikeAKey123";
    expect(configError({ RESEND_WEBHOOK_SECRET: webhookSecret }).message).not.toContain(webhookSecret);
  });
  it("refuses an ADMIN_TOKEN or METRICS_TOKEN no Bearer header could carry, without echoing it", () => {
    for (const variable of ["ADMIN_TOKEN", "METRICS_TOKEN"]) {
      const token = "correct horse battery staple";
      const { message } = configError({ [variable]: token });
      expect(message).toContain(variable);
      expect(message).toContain("RFC 6750");
      expect(message).not.toContain(token);
      expect(parseConfig({ [variable]: "abcDEF0123456789-._~+/==" })).toBeDefined();
    }
  });
});

describe("parseConfig values", () => {
  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["yes", true],
    [" Yes ", true],
    ["false", false],
    ["0", false],
    ["no", false],
    ["NO", false],
  ])("reads DOUBLE_OPT_IN=%j as %s", (value, expected) => {
    expect(parseConfig({ DOUBLE_OPT_IN: value }).doubleOptIn).toBe(expected);
    expect(parseConfig({ TRUST_PROXY: value }).trustProxy).toBe(expected);
  });

  it("parses SEND_WINDOW into minutes after midnight", () => {
    expect(parseConfig({ SEND_WINDOW: "08:00-20:00" }).sendWindow).toEqual({ startMinute: 480, endMinute: 1200 });
    expect(parseConfig({ SEND_WINDOW: "20:30-02:15" }).sendWindow).toEqual({ startMinute: 1230, endMinute: 135 });
  });

  it("splits and trims ALLOWED_ORIGINS", () => {
    const config = parseConfig({ ALLOWED_ORIGINS: " https://clinic.example ,http://localhost:5173,  https://b.example" });
    expect(config.allowedOrigins).toEqual(["https://clinic.example", "http://localhost:5173", "https://b.example"]);
  });

  it("removes trailing slashes from PUBLIC_URL", () => {
    expect(parseConfig({ PUBLIC_URL: "https://guide.example/" }).publicUrl).toBe("https://guide.example");
    expect(parseConfig({ PUBLIC_URL: "https://guide.example/reset//" }).publicUrl).toBe("https://guide.example/reset");
    expect(parseConfig({ PUBLIC_URL: "https://guide.example" }).publicUrl).toBe("https://guide.example");
  });

  it("reads the hardening settings (issue 30), with their defaults", () => {
    expect(parseConfig({})).toMatchObject({
      auditRetentionDays: 365,
      signupBacklog: 2000,
      http: { requestTimeoutMs: 30_000, maxConnectionsPerClient: 64 },
    });
    const config = parseConfig({ AUDIT_RETENTION_DAYS: "90", SIGNUP_BACKLOG: "10", REQUEST_TIMEOUT_SECONDS: "2.5", MAX_CONNECTIONS_PER_CLIENT: "8" });
    expect(config).toMatchObject({ auditRetentionDays: 90, signupBacklog: 10, http: { requestTimeoutMs: 2500, maxConnectionsPerClient: 8 } });
  });

  it("reads numbers and time zones", () => {
    const config = parseConfig({
      PORT: "8080",
      RESEND_RATE_LIMIT: "0.5",
      SIGNUP_RATE_LIMIT: "0",
      SEQUENCE_TIME_SCALE: "86400",
      DEFAULT_TIMEZONE: "Europe/Lisbon",
    });
    expect(config.port).toBe(8080);
    expect(config.resend.rateLimitPerSecond).toBe(0.5);
    expect(config.signupRateLimitPerMinute).toBe(0);
    expect(config.sequenceTimeScale).toBe(86400);
    expect(config.defaultTimeZone).toBe("Europe/Lisbon");
  });

  it("accepts postgres and postgresql DATABASE_URLs and a valid EMAIL_REPLY_TO", () => {
    expect(parseConfig({ DATABASE_URL: "postgres://u:p@db:5432/app" }).databaseUrl).toBe("postgres://u:p@db:5432/app");
    expect(parseConfig({ DATABASE_URL: "postgresql://db/app" }).databaseUrl).toBe("postgresql://db/app");
    expect(parseConfig({ EMAIL_REPLY_TO: "care@clinic.example" }).email.replyTo).toBe("care@clinic.example");
  });
});

describe("parseConfig in production", () => {
  it("accepts a complete production environment", () => {
    const config = parseConfig(PRODUCTION);
    expect(config.env).toBe("production");
    expect(config.appSecret).toBe(SECRET);
    expect(config.email.postalAddress).toBe(PRODUCTION.POSTAL_ADDRESS);
    expect(config.publicUrl).toBe(PRODUCTION.PUBLIC_URL);
    expect(config.email.clinicName).toBe("Harbour Spine Clinic");
    expect(config.email.from).toBe(PRODUCTION.EMAIL_FROM);
  });

  // EMAIL_REPLY_TO (issue 27, item 4): every email says "just reply" and that a person reads it.
  it.each(["APP_SECRET", "POSTAL_ADDRESS", "PUBLIC_URL", "CLINIC_NAME", "EMAIL_FROM", "EMAIL_REPLY_TO"])("requires %s", (variable) => {
    const { message } = configError({ ...PRODUCTION, [variable]: undefined });
    expect(message).toContain(variable);
    expect(message).toContain("production");
    expect(message).not.toMatch(/[\r\n]/);
    // A blank value counts as missing too.
    expect(configError({ ...PRODUCTION, [variable]: "  " }).message).toContain(variable);
  });

  it("refuses TOOLS_URL until TOOLS_AFFILIATE is declared, true or false (issue 27, item 6)", () => {
    const tools = { ...PRODUCTION, TOOLS_URL: "https://clinic.example/tools" };
    for (const unset of [undefined, "", "  "]) {
      const { message } = configError({ ...tools, TOOLS_AFFILIATE: unset });
      expect(message).toContain("TOOLS_AFFILIATE");
      expect(message).toContain("TOOLS_URL");
      expect(message).not.toMatch(/[\r\n]/);
    }
    expect(parseConfig({ ...tools, TOOLS_AFFILIATE: "false" }).links.toolsAffiliate).toBe(false);
    expect(parseConfig({ ...tools, TOOLS_AFFILIATE: "true" }).links.toolsAffiliate).toBe(true);
    // Without a tools link there is nothing to declare; outside production the default stands.
    expect(() => parseConfig(PRODUCTION)).not.toThrow();
    expect(parseConfig({ TOOLS_URL: "https://clinic.example/tools" }).links.toolsAffiliate).toBe(false);
  });

  it("does not require them outside production", () => {
    expect(() => parseConfig({ NODE_ENV: "test" })).not.toThrow();
    expect(() => parseConfig({ NODE_ENV: "development" })).not.toThrow();
  });
});
