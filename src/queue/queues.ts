import { Queue, Worker, type Job, type WorkerOptions } from "bullmq";
import type { Redis } from "ioredis";
import { createRedisConnection } from "./connection.js";
import { deliveryJobId, QUEUE_NAMES, SEND_JOB_OPTIONS, type SendJob } from "./jobs.js";

/**
 * Every BullMQ Queue and Worker is built here, so the backend (Redis today, BullMQ's
 * Postgres backend later) is one decision in one file.
 */
const STORE_MARKER_ID = "store-marker";
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

export interface QueueSettings {
  redisUrl: string;
  prefix: string;
  /** Connection trouble is reported here (ioredis and BullMQ emit it as events). */
  onError: (error: Error) => void;
}

export interface PendingDelivery {
  id: number;
  dueAt: Date;
}

export class Queues {
  readonly send: Queue<SendJob>;
  readonly maintenance: Queue;
  private readonly connection: Redis;

  /** For the few stores that share the queue's connection (the signup rate limit). */
  get storeClient(): Redis {
    return this.connection;
  }

  constructor(private readonly settings: QueueSettings) {
    this.connection = createRedisConnection(settings.redisUrl, "producer");
    // ioredis emits "error" on every failed reconnect; an unhandled one would crash the process.
    this.connection.on("error", settings.onError);
    const common = { connection: this.connection, prefix: settings.prefix, skipWaitingForReady: true };
    this.send = new Queue<SendJob>(QUEUE_NAMES.send, { ...common, defaultJobOptions: SEND_JOB_OPTIONS });
    this.maintenance = new Queue(QUEUE_NAMES.maintenance, {
      ...common,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: { count: 100 } },
    });
    this.send.on("error", settings.onError);
    this.maintenance.on("error", settings.onError);
  }

  /** Adds one send job per delivery, delayed until it is due. Re-adding a known id is a no-op. */
  async enqueueDeliveries(deliveries: PendingDelivery[], now = Date.now()): Promise<void> {
    if (deliveries.length === 0) return;
    await this.send.addBulk(
      deliveries.map((d) => ({
        name: "send",
        data: { deliveryId: d.id },
        opts: { jobId: deliveryJobId(d.id), delay: Math.max(0, d.dueAt.getTime() - now) },
      })),
    );
  }

  /**
   * Whether the queue store still holds what we put there. A Redis restart without
   * persistence, a FLUSHALL or a failover to an empty replica loses every delayed job; a
   * marker job that never runs tells us so, and the reconciler then rebuilds from Postgres.
   */
  async storeIsIntact(): Promise<boolean> {
    return (await this.maintenance.getJob(STORE_MARKER_ID)) !== undefined;
  }

  async markStoreIntact(): Promise<void> {
    await this.maintenance.add(STORE_MARKER_ID, {}, { jobId: STORE_MARKER_ID, delay: TEN_YEARS_MS, removeOnComplete: true });
  }

  /**
   * A delivery whose job ended (failed or completed) while the row is still pending gets a
   * fresh job: an ended job's id would make a plain add a silent no-op. Returns true if repaired.
   */
  async repairDelivery(d: PendingDelivery): Promise<boolean> {
    const job = await this.send.getJob(deliveryJobId(d.id));
    if (job) {
      const state = await job.getState();
      if (state !== "failed" && state !== "completed") return false;
      await job.remove();
    }
    await this.enqueueDeliveries([d]);
    return true;
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  /**
   * A worker with its own blocking connection (BullMQ needs maxRetriesPerRequest: null there).
   * The caller owns it and closes it; close() waits for the jobs in hand.
   */
  createWorker<T>(
    name: string,
    processor: (job: Job<T>, token?: string) => Promise<unknown>,
    options: Omit<WorkerOptions, "connection" | "prefix">,
  ): Worker<T> {
    const connection = createRedisConnection(this.settings.redisUrl, "worker");
    connection.on("error", this.settings.onError);
    const worker = new Worker<T>(name, processor, { ...options, connection, prefix: this.settings.prefix });
    worker.on("closed", () => connection.disconnect());
    return worker;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.send.close(), this.maintenance.close()]);
    this.connection.disconnect();
  }
}
