import { createPostgresBackend, Queue, Worker, type Job, type WorkerOptions } from "bullmq";
import type { Redis } from "ioredis";
import pg from "pg";
import type { ScheduledDelivery } from "../db/queries/deliveries.js";
import { createRedisConnection } from "./connection.js";
import {
  deliveryJobId,
  EVENT_JOB_OPTIONS,
  eventJobId,
  QUEUE_NAMES,
  queueOfKind,
  SEND_JOB_NAME,
  SEND_JOB_OPTIONS,
  type EventJob,
  type SendJob,
} from "./jobs.js";

/**
 * Every BullMQ Queue and Worker is built here, so the backend (Redis, or BullMQ's PostgreSQL
 * backend in the service's database) is one decision in one file: both offer the same Queue/Worker
 * API (delayed jobs, job schedulers, the global limiter, manual rate limiting, job ids).
 */
const STORE_MARKER_ID = "store-marker";
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

export type QueueBackend = "redis" | "postgres";

/**
 * Several jobs go through addBulk(), but on Postgres only from BULK_FROM: there each call creates
 * and drops two temporary tables (BullMQ's add_jobs_bulk), catalog churn costing a dozen add()s of
 * one INSERT each (pg_stat_statements in `npm run demo`). Fewer go through add(), side by side; a
 * failed one leaves its row pending and the reconciler adds it (invariant 2).
 */
const BULK_FROM = 25;
async function addJobs<T>(queue: Queue<T>, backend: QueueBackend, jobs: Parameters<Queue<T>["addBulk"]>[0]): Promise<void> {
  if (jobs.length === 1 || (backend === "postgres" && jobs.length < BULK_FROM)) {
    await Promise.all(jobs.map((job) => queue.add(job.name, job.data, job.opts)));
  } else await queue.addBulk(jobs);
}

export interface QueueSettings {
  backend: QueueBackend;
  /** Required for the Redis backend. */
  redisUrl: string | undefined;
  /** The service's database; the Postgres backend keeps its jobs there in schema "bullmq". */
  postgresUrl: string;
  /** Redis key prefix (the Postgres backend is namespaced by its schema instead). */
  prefix: string;
  /** Connection trouble is reported here (ioredis and BullMQ emit it as events). */
  onError: (error: Error) => void;
}

/** The store behind the signup limiter: the queue's own connection, whichever backend. */
export type LimiterStore = { kind: "redis"; client: Redis } | { kind: "postgres"; pool: pg.Pool };

// Pool sizes per BullMQ instance on Postgres: each Queue/Worker owns a pool (and a worker one
// LISTEN connection besides). Small, so API + worker stay well inside max_connections.
const PG_QUEUE_POOL = 3;

export class Queues {
  readonly send: Queue<SendJob>;
  /** Outgoing webhook calls: the same jobs as `send`, worked apart from the emails. */
  readonly webhooks: Queue<SendJob>;
  readonly maintenance: Queue;
  /** Stored provider webhook events, processed after the webhook was answered. */
  readonly events: Queue<EventJob>;
  readonly backend: QueueBackend;
  private readonly redis: Redis | undefined;
  private pgPool: pg.Pool | undefined;

  constructor(private readonly settings: QueueSettings) {
    this.backend = settings.backend;
    if (settings.backend === "redis") {
      if (!settings.redisUrl) throw new Error("the Redis queue backend needs REDIS_URL");
      this.redis = createRedisConnection(settings.redisUrl, "producer");
      // ioredis emits "error" on every failed reconnect; an unhandled one would crash the process.
      this.redis.on("error", settings.onError);
    }
    this.send = this.queue<SendJob>(QUEUE_NAMES.send, SEND_JOB_OPTIONS);
    this.webhooks = this.queue<SendJob>(QUEUE_NAMES.webhooks, SEND_JOB_OPTIONS);
    this.maintenance = this.queue(QUEUE_NAMES.maintenance, { removeOnComplete: true, removeOnFail: { count: 100 } });
    this.events = this.queue<EventJob>(QUEUE_NAMES.events, EVENT_JOB_OPTIONS);
  }

  private queue<T>(name: string, defaultJobOptions: Queue["defaultJobOptions"]): Queue<T> {
    let queue: Queue<T>;
    if (this.redis) {
      queue = new Queue<T>(name, {
        connection: this.redis,
        prefix: this.settings.prefix,
        skipWaitingForReady: true,
        // BullMQ checks the server's version once, when the Queue is built (an INFO), and keeps a
        // failed check for good: on the producer's connection (a 1 s command timeout) one second of
        // a busy event loop at start failed every later add and read of this queue while the
        // connection itself was fine. The workers' connections still check (and wait for) it.
        skipVersionCheck: true,
        defaultJobOptions,
      });
    } else {
      // Same API, other backend type: the cast keeps one type for callers (the methods we use
      // — add, addBulk, getJob, rateLimit, upsertJobScheduler, close — exist on both).
      queue = new Queue(
        name,
        { connection: { connectionString: this.settings.postgresUrl, max: PG_QUEUE_POOL }, defaultJobOptions },
        createPostgresBackend,
      ) as unknown as Queue<T>;
    }
    queue.on("error", this.settings.onError);
    return queue;
  }

  /**
   * A worker with its own connections (on Redis a blocking one with maxRetriesPerRequest: null,
   * as BullMQ requires). The caller owns it and closes it; close() waits for the jobs in hand.
   */
  createWorker<T>(
    name: string,
    processor: (job: Job<T>, token?: string) => Promise<unknown>,
    options: Omit<WorkerOptions, "connection" | "prefix">,
  ): Worker<T> {
    if (this.settings.backend === "redis") {
      const connection = createRedisConnection(this.settings.redisUrl!, "worker");
      connection.on("error", this.settings.onError);
      const worker = new Worker<T>(name, processor, { ...options, connection, prefix: this.settings.prefix });
      worker.on("closed", () => connection.disconnect());
      return worker;
    }
    const pool = { connectionString: this.settings.postgresUrl, max: (options.concurrency ?? 1) + 2 };
    return new Worker(name, processor, { ...options, connection: pool }, createPostgresBackend) as unknown as Worker<T>;
  }

  /** A delayed send job per message (any kind); re-adding is a no-op, the claim guards the send. */
  async enqueueDeliveries(deliveries: ScheduledDelivery[], now = Date.now()): Promise<void> {
    const job = (d: ScheduledDelivery) => ({
      name: SEND_JOB_NAME,
      data: { deliveryId: d.id },
      opts: { jobId: deliveryJobId(d.id), delay: Math.max(0, d.dueAt.getTime() - now) },
    });
    const emails = deliveries.filter((d) => queueOfKind(d.kind) === QUEUE_NAMES.send);
    const calls = deliveries.filter((d) => queueOfKind(d.kind) === QUEUE_NAMES.webhooks);
    if (emails.length > 0) await addJobs(this.send, this.backend, emails.map(job));
    if (calls.length > 0) await addJobs(this.webhooks, this.backend, calls.map(job));
  }

  /** The queue a message's job lives in. */
  queueOf(d: ScheduledDelivery): Queue<SendJob> {
    return queueOfKind(d.kind) === QUEUE_NAMES.webhooks ? this.webhooks : this.send;
  }

  /** One job per stored webhook event; re-adding a known id is a no-op. */
  async enqueueEvents(eventIds: number[]): Promise<void> {
    if (eventIds.length === 0) return;
    await addJobs(
      this.events,
      this.backend,
      eventIds.map((id) => ({ name: "process-event", data: { eventId: id }, opts: { jobId: eventJobId(id) } })),
    );
  }

  /**
   * Drops the jobs of messages claimed into another's batch: each would take a turn of the provider
   * rate limiter to find its row sent. A running (locked) job cannot go; it finds its row claimed.
   */
  async removeDeliveryJobs(deliveryIds: number[]): Promise<void> {
    await Promise.all(deliveryIds.map((id) => this.send.remove(deliveryJobId(id)).catch(() => 0)));
  }

  /**
   * Whether the queue store still holds what we put there: a Redis restart without persistence, a
   * FLUSHALL, a failover to an empty replica or a restored database loses the delayed jobs; a
   * marker job that never runs tells us, and the reconciler rebuilds from our own tables.
   */
  async storeIsIntact(): Promise<boolean> {
    return (await this.maintenance.getJob(STORE_MARKER_ID)) !== undefined;
  }

  async markStoreIntact(): Promise<void> {
    await this.maintenance.add(STORE_MARKER_ID, {}, { jobId: STORE_MARKER_ID, delay: TEN_YEARS_MS, removeOnComplete: true });
  }

  /**
   * A message whose job ended (failed or completed) while the row is still pending gets a
   * fresh job: an ended job's id would make a plain add a silent no-op. Returns true if repaired.
   */
  async repairDelivery(d: ScheduledDelivery): Promise<boolean> {
    const job = await this.queueOf(d).getJob(deliveryJobId(d.id));
    if (job) {
      const state = await job.getState();
      if (state !== "failed" && state !== "completed") return false;
      await job.remove();
    }
    await this.enqueueDeliveries([d]);
    return true;
  }

  /** Every queue, for the queue UI (/admin/queues) and the queue-depth metrics. */
  all(): Queue[] {
    return [this.send, this.webhooks, this.maintenance, this.events] as Queue[];
  }

  /** A round trip to the queue store, for /readyz. */
  async ping(): Promise<void> {
    if (this.redis) await this.redis.ping();
    else await this.send.getJobCountByTypes("wait");
  }

  limiterStore(): LimiterStore {
    if (this.redis) return { kind: "redis", client: this.redis };
    this.pgPool ??= new pg.Pool({ connectionString: this.settings.postgresUrl, max: 2 });
    this.pgPool.on("error", this.settings.onError);
    return { kind: "postgres", pool: this.pgPool };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.send.close(), this.webhooks.close(), this.maintenance.close(), this.events.close()]);
    this.redis?.disconnect();
    await this.pgPool?.end();
  }
}
