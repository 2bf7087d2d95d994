import { setTimeout as sleep } from "node:timers/promises";
import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { AttemptLine, ClaimedMessage } from "../db/queries/deliveries.js";
import { endFailingStreak, markEndpointFailing, takeTurns, type EndpointShare, type Turn, type WebhookCall } from "../db/queries/webhook-calls.js";
import type { CallKindDefinition, CallResult } from "../outbound/kind.js";
import type { SecretBox } from "./secret-box.js";
import { DISABLE_AFTER_FAILING_MS, nextAttemptAt } from "./retry-schedule.js";
import { signedHeaders } from "./signing.js";
import type { WebhookHttp } from "./webhook-http.js";

export interface WebhookCallDeps {
  sql: postgres.Sql;
  http: WebhookHttp;
  /** Each endpoint's share of calls, counted in the store for every process together. */
  share: EndpointShare;
  /** The endpoints' secrets are stored sealed (src/notify/secret-box.ts). */
  secrets: SecretBox;
  logger: Logger;
}

/**
 * A receiver whose calls are all in flight: the call waits in this process for a turn
 * (docs/architecture.md "One webhook call", step 3), then is given back, not an attempt. A
 * process's calls to one endpoint wait in one line, whose head asks the store for the turns of
 * every call waiting (up to the share's in flight), in one round trip: calls waiting for the same
 * call to end would otherwise all ask at once, and all but one ask for nothing (without a line,
 * 7 transactions a call instead of 4.5: bench/call-cost.ts).
 */
const TURN_WAIT_MS = 2_000;
const FIRST_LOOK_MS = 50;
const BUSY_RECHECK_MS = 1_000;

type WebhookMessage = ClaimedMessage & { kind: "webhook" };

/** A call waiting in its process's line for its endpoint's turn. */
interface Waiting {
  message: WebhookMessage;
  since: number;
  answer: (turn: Promise<Turn>) => void;
}

/**
 * The outgoing webhook call as a kind of message (issue 16): one row of `deliveries` per (event,
 * endpoint), through the one pipeline like every email. Its own: the endpoint's share, the
 * address-checked HTTP call, the signature, the attempt's line, what attempts do to the endpoint
 * and Svix's retry schedule (docs/webhooks.md "How calls are delivered").
 */
export function webhookCalls(deps: WebhookCallDeps): CallKindDefinition<"webhook"> {
  /** Per endpoint: this process's calls waiting for a turn, oldest first. */
  const lines = new Map<string, Waiting[]>();

  /** The endpoint's turn and the call, or when to come back. */
  function turnFor(message: WebhookMessage): Promise<Turn> {
    return new Promise((answer) => {
      const waiting = { message, since: Date.now(), answer };
      const line = lines.get(message.endpointId);
      if (line) return void line.push(waiting);
      lines.set(message.endpointId, [waiting]);
      // After the calls claimed with this one have joined the line, so one round trip asks for all.
      queueMicrotask(() => void serve(message.endpointId));
    });
  }

  /** Asks for the turns of the calls at the head of the line until none is left waiting. */
  async function serve(endpointId: string) {
    const line = lines.get(endpointId)!;
    try {
      for (let look = FIRST_LOOK_MS; line.length > 0; ) {
        const asking = line.slice(0, deps.share.concurrency);
        const turns = await takeTurns(deps.sql, endpointId, asking.map((w) => w.message), deps.share);
        let given = 0;
        asking.forEach((waiting, i) => {
          const turn = turns[i]!;
          if (turn.again && Date.now() - waiting.since + look <= TURN_WAIT_MS) return;
          line.splice(line.indexOf(waiting), 1);
          if (turn.again) return waiting.answer(Promise.resolve(turn));
          given++;
          // The turn's start is paced (migration 0011): now, or at most a few spacings ahead.
          waiting.answer(turn.waitMs > 0 ? sleep(turn.waitMs).then(() => turn) : Promise.resolve(turn));
        });
        // When a call in flight ends is unknown: look again later each time.
        if (given === 0 && line.length > 0) {
          await sleep(look);
          look *= 2;
        } else look = FIRST_LOOK_MS;
      }
    } catch (error) {
      for (const waiting of line.splice(0)) waiting.answer(Promise.reject(error));
    } finally {
      lines.delete(endpointId);
    }
  }

  return {
    kind: "webhook",
    channel: "call",
    runWidth: deps.share.concurrency,
    async call(message): Promise<CallResult> {
      const { again, call } = await turnFor(message);
      if (again) {
        // Spread, so the calls put back together do not come back together.
        const at = new Date(Date.now() + BUSY_RECHECK_MS * (0.5 + Math.random()));
        return { kind: "retry", at, error: "endpoint busy", attempted: false };
      }
      // The turn is given back by the statement that records the outcome (migration 0011).
      if (!call) return { kind: "failed", error: "the event or the endpoint is gone" };
      return make(message, call);
    },
  };

  async function make(message: WebhookMessage, call: WebhookCall): Promise<CallResult> {
    let secrets: string[];
    try {
      secrets = call.secrets.map((sealed) => deps.secrets.open(sealed));
    } catch {
      return { kind: "failed", error: "the endpoint's secret cannot be read (was APP_SECRET changed?): rotate it, then replay" };
    }
    const body = JSON.stringify(call.payload);
    const answer = await deps.http.post(call.url, signedHeaders(secrets, call.messageId, new Date(), body), body);

    const line: AttemptLine = {
      attempt: message.attempts,
      durationMs: answer.durationMs,
      ...(answer.kind === "answered"
        ? { outcome: answer.status >= 200 && answer.status < 300 ? "succeeded" : "failed", status: answer.status, response: answer.excerpt }
        : { outcome: answer.blocked ? "blocked" : "unreachable", status: null, response: answer.error }),
    };
    if (line.outcome === "succeeded") {
      if (call.failing) await endFailingStreak(deps.sql, message.endpointId);
      return { kind: "delivered", reference: call.messageId, line };
    }

    const gone = answer.kind === "answered" && answer.status === 410;
    const { disabled } = await markEndpointFailing(deps.sql, message.endpointId, {
      disableAfterMs: DISABLE_AFTER_FAILING_MS,
      ...(gone ? { disableReason: "the receiver answered 410 Gone" } : {}),
    });
    const error = answer.kind === "answered" ? `HTTP ${answer.status}` : answer.error;
    if (disabled) {
      deps.logger.warn({ endpointId: message.endpointId, error }, "webhook endpoint disabled");
      return { kind: "failed", error: `${error}; endpoint disabled`, line };
    }
    const retryAfterMs = answer.kind === "answered" && (answer.status === 429 || answer.status === 503) ? answer.retryAfterMs : undefined;
    const at = nextAttemptAt(message.attempts, new Date(), { retryAfterMs });
    if (!at) return { kind: "failed", error: `${error} (attempt ${message.attempts}, the last)`, line };
    return { kind: "retry", at, error, attempted: true, line };
  }
}
