import path from "node:path";
import type { Config } from "./config.js";
import type { Logger } from "./logger.js";
import { createDb } from "./db/client.js";
import { createOutboxTransport } from "./mail/outbox-transport.js";
import { createResendTransport } from "./mail/resend-transport.js";
import { Queues } from "./queue/queues.js";
import { createRateLimiter, createSignupLimiter } from "./queue/rate-limiter.js";
import { createGuidePdfStore } from "./guide/pdf.js";
import type { PageSettings } from "./pages/layout.js";
import { SignupBatcher } from "./campaign/signup-batcher.js";
import { RenderCache } from "./mail/render-cache.js";
import { pacedTransport } from "./mail/paced-transport.js";
import { FLARE_UP_RESET, type SequenceDefinition } from "./campaign/sequence.js";
import type { ComposeSettings } from "./campaign/compose.js";
import type { SendDeps } from "./outbound/send.js";
import type { MessageKinds } from "./outbound/kind.js";
import { stepMessages } from "./campaign/step-messages.js";
import { confirmationMessages } from "./campaign/confirmation-messages.js";
import { freshLinkMessages } from "./guide/fresh-link.js";
import { webhookCalls } from "./notify/webhook-calls.js";
import type { EndpointShare } from "./db/queries/webhook-calls.js";
import { createWebhookHttp } from "./notify/webhook-http.js";
import { secretBox } from "./notify/secret-box.js";
import { systemResolve } from "./notify/public-address.js";
import type { AppDeps } from "./app.js";
import { createProcessMetrics, instrumentTransport } from "./metrics/process-metrics.js";
import type { AdminRouteDeps } from "./routes/admin.js";
import type { ActivationDeps } from "./campaign/activate.js";
import { createWebhookVerifier } from "./feedback/verify.js";
import { sessionRevocations } from "./db/queries/admin-sessions.js";
import { recordRefusal } from "./audit/audit.js";
import { DevLoginLinks } from "./admin/dev-login.js";
import type { DevLoginRouteDeps } from "./routes/admin-dev-login.js";
import { DEVELOPMENT_ADMIN_TOKEN_FILE } from "./secret.js";
import { LinkSignals } from "./signals/signals.js";

/**
 * A resolved config: bootstrap has filled in the database URL and the secret, and outside
 * production, with ADMIN_TOKEN unset, a development admin token (`developmentAdmin` says so).
 */
export type ReadyConfig = Config & { databaseUrl: string; appSecret: string; developmentAdmin?: boolean };

/** Everything long-lived, built once and passed in; nothing is a module singleton. */
export type Deps = ReturnType<typeof createDeps>;

/**
 * Each endpoint's share, summed over every worker process: enough for any CRM or no-code tool.
 * Starts are paced, 50 in 1.2 s (why: docs/architecture.md "One webhook call"). A call
 * in flight stops counting after the HTTP client's timeout and a margin (a killed worker's).
 */
export const WEBHOOK_ENDPOINT_SHARE: EndpointShare = { concurrency: 4, perSecond: 50, windowMs: 1200, holdSeconds: 20 };

/** `overrides`: what a test builds itself (a down queue, days short enough to walk every branch). */
export function createDeps(
  config: ReadyConfig,
  logger: Logger,
  overrides: { queues?: Queues; sequence?: SequenceDefinition } = {},
) {
  const db = createDb(config.databaseUrl, config.databasePoolSize);
  const queues =
    overrides.queues ??
    new Queues({
      backend: config.queueBackend,
      redisUrl: config.redisUrl,
      postgresUrl: config.databaseUrl,
      prefix: config.queuePrefix,
      onError: throttledWarning(logger, "queue store connection trouble"),
    });
  const transport = config.resend.apiKey
    ? pacedTransport(createResendTransport(config.resend.apiKey, config.resend.baseUrl), config.resend.rateLimitPerSecond)
    : createOutboxTransport(db.sql);
  const metrics = createProcessMetrics();
  const webhookHttp = createWebhookHttp({ allowPrivate: config.webhooks.allowPrivateUrls });
  const signals = new LinkSignals({ sql: db.sql, logger });
  return {
    config,
    logger,
    db,
    queues,
    transport: instrumentTransport(transport, metrics),
    limiter: createSignupLimiter(queues, config.signupRateLimitPerMinute, config.queuePrefix),
    // 5 per 15 minutes per client: plenty for a person, and each subscriber gets at most one
    // fresh-link email an hour whatever the limit (src/guide/fresh-link.ts).
    freshLinkLimiter: createRateLimiter(queues, { points: 5, durationSeconds: 15 * 60, keyPrefix: `${config.queuePrefix}:fresh-link-limit` }),
    guidePdf: createGuidePdfStore({
      clinicName: config.email.clinicName,
      bookingUrl: config.links.bookingUrl,
      reading: config.links.reading,
      care: config.care,
      pdfPath: config.guidePdfPath,
      logger,
    }),
    sequence: overrides.sequence ?? FLARE_UP_RESET,
    signups: new SignupBatcher({ sql: db.sql, queues, logger }, { maxInFlight: 4, maxBatch: 200, maxWaiting: config.signupBacklog, rowsPerJob: config.resend.batchSize }),
    metrics,
    devLogin:
      config.developmentAdmin && config.adminToken && config.env !== "production"
        ? new DevLoginLinks({ appSecret: config.appSecret, adminToken: config.adminToken })
        : undefined,
    // 10 attempts per 15 minutes per client address (src/routes/admin-login.tsx), failed
    // Bearer checks included (src/http/admin-auth.ts).
    adminLoginLimiter: createRateLimiter(queues, { points: 10, durationSeconds: 15 * 60, keyPrefix: `${config.queuePrefix}:admin-login-limit` }),
    adminBearerLimiter: createRateLimiter(queues, { points: 10, durationSeconds: 15 * 60, keyPrefix: `${config.queuePrefix}:admin-bearer-limit` }),
    webhooks: { http: webhookHttp, secrets: secretBox(config.appSecret) },
    signals,
    async close() {
      signals.close();
      await queues.close();
      await webhookHttp.close();
      await db.close();
    },
  };
}

export function composeSettings(config: ReadyConfig): ComposeSettings {
  return {
    ...config.email,
    ...config.links,
    publicUrl: config.publicUrl,
    appSecret: config.appSecret,
    guideLinkTtlDays: config.guideLinkTtlDays,
    care: config.care,
    renderer: new RenderCache(),
  };
}

/** A claim older than this belongs to a dead worker (far longer than any provider call). */
export const CLAIM_LEASE_SECONDS = 60;

/**
 * Every kind of message the service sends, each declared once where its feature lives
 * (src/outbound/kind.ts). Adding a kind: a composer, an entry here (and in MESSAGE_KINDS and
 * RECIPIENT_RULES, which the compiler asks for), and a test — docs/architecture.md "Adding a kind of message".
 */
export function messageKinds(deps: Deps): MessageKinds {
  const compose = composeSettings(deps.config);
  return {
    step: stepMessages({ compose, sequence: deps.sequence, schedule: scheduleSettings(deps.config) }),
    confirmation: confirmationMessages(compose, deps.config.pendingTtlDays),
    "fresh-link": freshLinkMessages(compose),
    webhook: webhookCalls({ sql: deps.db.sql, http: deps.webhooks.http, share: WEBHOOK_ENDPOINT_SHARE, secrets: deps.webhooks.secrets, logger: deps.logger }),
  };
}

/** The one sender's dependencies (src/outbound/send.ts). */
export function sendDeps(deps: Deps): SendDeps {
  return {
    sql: deps.db.sql,
    transport: deps.transport,
    queues: deps.queues,
    logger: deps.logger,
    kinds: messageKinds(deps),
    batchSize: deps.config.resend.batchSize,
    steps: deps.sequence.steps.map((s) => s.key),
    leaseSeconds: CLAIM_LEASE_SECONDS,
  };
}

function scheduleSettings(config: ReadyConfig) {
  return { timeScale: config.sequenceTimeScale, window: config.sendWindow, defaultTimeZone: config.defaultTimeZone };
}

export function appDeps(deps: Deps): AppDeps {
  return {
    logger: deps.logger,
    allowedOrigins: deps.config.allowedOrigins,
    subscribe: {
      ...activationDeps(deps),
      limiter: deps.limiter,
      trustProxy: deps.config.trustProxy,
      doubleOptIn: deps.config.doubleOptIn,
      signups: deps.signups,
      pages: pageSettings(deps.config),
    },
    pages: pageSettings(deps.config),
    guide: {
      ...readerPageDeps(deps),
      sql: deps.db.sql,
      pdf: deps.guidePdf,
      freshLinkLimiter: deps.freshLinkLimiter,
      freshLink: { sql: deps.db.sql, queues: deps.queues, logger: deps.logger },
      logger: deps.logger,
    },
    unsubscribe: { ...readerPageDeps(deps), activation: activationDeps(deps) },
    checkIn: { ...readerPageDeps(deps), checkIn: activationDeps(deps) },
    links: { ...readerPageDeps(deps), links: deps.config.links },
    confirm: { ...readerPageDeps(deps), activation: activationDeps(deps) },
    webhooks: {
      db: deps.db.db,
      queues: deps.queues,
      logger: deps.logger,
      verify: createWebhookVerifier(deps.config.resend.webhookSecret),
    },
    dataRights: {
      sql: deps.db.sql,
      db: deps.db.db,
      logger: deps.logger,
      adminToken: deps.config.adminToken,
      guesses: {
        limiter: deps.adminBearerLimiter,
        trustProxy: deps.config.trustProxy,
        onRefused: (client, action) => recordRefusal({ db: deps.db.db, logger: deps.logger }, action, client),
      },
    },
    admin: adminDeps(deps),
    devLogin: devLoginDeps(deps),
    health: {
      checks: {
        postgres: () => deps.db.sql`select 1`,
        queue: () => deps.queues.ping(),
      },
    },
  };
}

/** What the reader's pages show and who may frame the embeddable ones. */
export function pageSettings(config: ReadyConfig): PageSettings {
  return {
    clinicName: config.email.clinicName,
    postalAddress: config.email.postalAddress,
    allowedOrigins: config.allowedOrigins,
    guideLinkTtlDays: config.guideLinkTtlDays,
    doubleOptIn: config.doubleOptIn,
    care: config.care,
    privacyUrl: config.privacyUrl,
  };
}

/** What (re)activating a subscriber needs: the confirm link and the resubscribe undo. */
export function activationDeps(deps: Deps): ActivationDeps {
  return { sql: deps.db.sql, queues: deps.queues, logger: deps.logger, sequence: deps.sequence, schedule: scheduleSettings(deps.config) };
}

/** What every route behind a link in our emails shares: the token key, the pages, the signals. */
function readerPageDeps(deps: Deps) {
  return {
    appSecret: deps.config.appSecret,
    publicUrl: deps.config.publicUrl,
    pages: pageSettings(deps.config),
    trustProxy: deps.config.trustProxy,
    signals: deps.signals,
  };
}

/** The dashboard, its JSON API, the queue UI and /metrics (src/routes/admin.ts). */
export function adminDeps(deps: Deps): AdminRouteDeps {
  return {
    sql: deps.db.sql,
    db: deps.db.db,
    logger: deps.logger,
    queues: deps.queues,
    sequence: deps.sequence,
    metrics: deps.metrics,
    adminToken: deps.config.adminToken,
    metricsToken: deps.config.metricsToken,
    session: { appSecret: deps.config.appSecret, publicUrl: deps.config.publicUrl, revocations: sessionRevocations(deps.db.db) },
    trustProxy: deps.config.trustProxy,
    loginLimiter: deps.adminLoginLimiter,
    bearerLimiter: deps.adminBearerLimiter,
    auditRetentionDays: deps.config.auditRetentionDays,
    transportName: deps.transport.name,
    clinicName: deps.config.email.clinicName,
    webhookEndpoints: { allowPrivate: deps.config.webhooks.allowPrivateUrls, resolve: systemResolve, secrets: deps.webhooks.secrets },
  };
}

/** The one-time login link's route, when there is a development admin token to log in with. */
function devLoginDeps(deps: Deps): DevLoginRouteDeps | undefined {
  if (!deps.devLogin || !deps.config.adminToken) return undefined;
  return {
    db: deps.db.db,
    logger: deps.logger,
    links: deps.devLogin,
    adminToken: deps.config.adminToken,
    session: { appSecret: deps.config.appSecret, publicUrl: deps.config.publicUrl },
    trustProxy: deps.config.trustProxy,
    clinicName: deps.config.email.clinicName,
    tokenFile: path.join(deps.config.dataDir, DEVELOPMENT_ADMIN_TOKEN_FILE),
  };
}

/** A store that is down reports every reconnect; one line per 10 s is enough. */
function throttledWarning(logger: Logger, message: string) {
  let last = 0;
  return (error: Error) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    logger.warn({ err: error.message }, message);
  };
}
