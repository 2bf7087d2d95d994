import type postgres from "postgres";
import type { Logger } from "../logger.js";
import type { AttemptLine } from "../db/queries/deliveries.js";
import { endFailingStreak, markEndpointFailing } from "../db/queries/webhook-calls.js";
import type { CallKindDefinition, CallResult } from "../outbound/kind.js";
import type { EndpointGate } from "./endpoint-gate.js";
import type { SecretBox } from "./secret-box.js";
import { DISABLE_AFTER_FAILING_MS, nextAttemptAt } from "./retry-schedule.js";
import { signedHeaders } from "./signing.js";
import type { WebhookHttp } from "./webhook-http.js";

export interface WebhookCallDeps {
  sql: postgres.Sql;
  http: WebhookHttp;
  /** Per-endpoint concurrency and rate (src/notify/endpoint-gate.ts). */
  gate: EndpointGate;
  /** The endpoints' secrets are stored sealed (src/notify/secret-box.ts). */
  secrets: SecretBox;
  logger: Logger;
  /** Calls to one endpoint made by one job (src/outbound/kind.ts `run`); lanes: its share's concurrency. */
  run?: { size: number; lanes: number };
  now?: () => Date;
}

/**
 * A receiver at its limit: the call waits in this process for its turn up to GATE_WAIT_MS
 * (cheap: nothing is written while it waits); past that it is put back and looks again after
 * BUSY_RECHECK_MS at least (not an attempt).
 */
const GATE_WAIT_MS = 5_000;
const BUSY_RECHECK_MS = 1_000;

/**
 * The outgoing webhook call as a kind of message (issue 16): one row of `deliveries` per
 * (event, endpoint), claimed, recorded and reconciled by the one pipeline like every email. What
 * is its own: the HTTP call through the address-checked client, the Standard Webhooks signature,
 * the attempt's line in the log (the pipeline writes it with the outcome), what attempts do to
 * the endpoint, and Svix's retry schedule instead of the queue's backoff.
 *  - any 2xx: delivered; a 3xx is a failure (redirects are never followed);
 *  - 410 Gone: the receiver asked us to stop — the endpoint is disabled, the call fails;
 *  - anything else, or no answer: tried again per the schedule (Retry-After honoured), failed
 *    after the 8th attempt; five days of nothing but failures disables the endpoint.
 */
export function webhookCalls(deps: WebhookCallDeps): CallKindDefinition<"webhook"> {
  const now = deps.now ?? (() => new Date());
  return {
    kind: "webhook",
    channel: "call",
    ...(deps.run
      ? {
          run: {
            ...deps.run,
            async turn(endpointId) {
              const entry = await deps.gate.acquire(endpointId, GATE_WAIT_MS);
              return "release" in entry ? entry : undefined;
            },
          },
        }
      : {}),
    async call(message, turn): Promise<CallResult> {
      const call = message.webhook; // read with the claim
      if (!call) return { kind: "failed", error: "the event or the endpoint is gone" };
      let secrets: string[];
      try {
        secrets = call.secrets.map((sealed) => deps.secrets.open(sealed));
      } catch {
        return { kind: "failed", error: "the endpoint's secret cannot be read (was APP_SECRET changed?): rotate it, then replay" };
      }
      const entry = turn ?? (await deps.gate.acquire(message.endpointId, GATE_WAIT_MS));
      if ("retryAt" in entry) {
        return { kind: "retry", at: new Date(Math.max(entry.retryAt.getTime(), Date.now() + BUSY_RECHECK_MS)), error: "endpoint busy", attempted: false };
      }
      let answer;
      try {
        const body = JSON.stringify(call.payload);
        answer = await deps.http.post(call.url, signedHeaders(secrets, call.messageId, now(), body), body);
      } finally {
        entry.release();
      }

      const line: AttemptLine =
        answer.kind === "answered"
          ? {
              attempt: message.attempts,
              outcome: answer.status >= 200 && answer.status < 300 ? "succeeded" : "failed",
              status: answer.status,
              durationMs: answer.durationMs,
              response: answer.excerpt,
            }
          : {
              attempt: message.attempts,
              outcome: answer.blocked ? "blocked" : "unreachable",
              status: null,
              durationMs: answer.durationMs,
              response: answer.error,
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
      const at = nextAttemptAt(message.attempts, now(), { retryAfterMs });
      if (!at) return { kind: "failed", error: `${error} (attempt ${message.attempts}, the last)`, line };
      return { kind: "retry", at, error, attempted: true, line };
    },
  };
}
