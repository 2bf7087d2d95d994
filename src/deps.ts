import type { Config } from "./config.js";
import type { Logger } from "./logger.js";
import { createDb, type DbHandle } from "./db/client.js";
import { createOutboxTransport } from "./mail/outbox-transport.js";
import { createResendTransport } from "./mail/resend-transport.js";
import type { Transport } from "./mail/transport.js";
import { Queues } from "./queue/queues.js";
import { createSignupLimiter, type SignupLimiter } from "./queue/signup-limiter.js";
import { FLARE_UP_RESET, type SequenceDefinition } from "./campaign/sequence.js";
import type { ComposeSettings } from "./campaign/compose.js";
import type { DeliverDeps } from "./campaign/deliver.js";
import type { AppDeps } from "./app.js";

/** A resolved config: main.ts has filled in the database URL and the secret. */
export type ReadyConfig = Config & { databaseUrl: string; appSecret: string };

/** Everything long-lived, built once and passed in; nothing is a module singleton. */
export interface Deps {
  config: ReadyConfig;
  logger: Logger;
  db: DbHandle;
  queues: Queues;
  transport: Transport;
  limiter: SignupLimiter;
  sequence: SequenceDefinition;
  close(): Promise<void>;
}

export function createDeps(config: ReadyConfig, logger: Logger): Deps {
  const db = createDb(config.databaseUrl, config.databasePoolSize);
  const queues = new Queues({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    onError: throttledWarning(logger, "queue store connection trouble"),
  });
  const transport = config.resend.apiKey
    ? createResendTransport(config.resend.apiKey, config.resend.baseUrl)
    : createOutboxTransport(db.sql);
  return {
    config,
    logger,
    db,
    queues,
    transport,
    limiter: createSignupLimiter(queues, config.signupRateLimitPerMinute, config.queuePrefix),
    sequence: FLARE_UP_RESET,
    async close() {
      await queues.close();
      await db.close();
    },
  };
}

export function composeSettings(config: ReadyConfig): ComposeSettings {
  return {
    publicUrl: config.publicUrl,
    appSecret: config.appSecret,
    guideLinkTtlDays: config.guideLinkTtlDays,
    from: config.email.from,
    replyTo: config.email.replyTo,
    postalAddress: config.email.postalAddress,
    clinicName: config.email.clinicName,
    toolsUrl: config.links.toolsUrl,
    supplementUrl: config.links.supplementUrl,
  };
}

/** A claim older than this belongs to a dead worker (far longer than any provider call). */
export const CLAIM_LEASE_SECONDS = 60;

export function deliverDeps(deps: Deps): DeliverDeps {
  return {
    sql: deps.db.sql,
    transport: deps.transport,
    queues: deps.queues,
    logger: deps.logger,
    compose: composeSettings(deps.config),
    sequence: deps.sequence,
    schedule: {
      timeScale: deps.config.sequenceTimeScale,
      window: deps.config.sendWindow,
      defaultTimeZone: deps.config.defaultTimeZone,
    },
    leaseSeconds: CLAIM_LEASE_SECONDS,
  };
}

export function appDeps(deps: Deps): AppDeps {
  return {
    logger: deps.logger,
    allowedOrigins: deps.config.allowedOrigins,
    subscribe: {
      sql: deps.db.sql,
      queues: deps.queues,
      logger: deps.logger,
      sequence: deps.sequence,
      limiter: deps.limiter,
      trustProxy: deps.config.trustProxy,
    },
    health: {
      checks: {
        postgres: () => deps.db.sql`select 1`,
        queue: () => deps.queues.ping(),
      },
    },
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
