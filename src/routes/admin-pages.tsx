/** @jsxImportSource hono/jsx */
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { stream } from "hono/streaming";
import type postgres from "postgres";
import type { Database } from "../db/client.js";
import { z } from "zod";
import type { Logger } from "../logger.js";
import type { SequenceDefinition } from "../campaign/sequence.js";
import type { Queues } from "../queue/queues.js";
import { adminAsset } from "../admin/assets.js";
import { recordAdminAction } from "../audit/audit.js";
import { csvLine } from "../admin/csv.js";
import * as queries from "../db/queries/admin.js";
import { campaignStats, filterFromQuery, statsQuerySchema } from "../admin/stats.js";
import { ACTION_MESSAGES, ACTIONS, exportSubscriber, runSubscriberAction, type SubscriberAction } from "../admin/subscriber-actions.js";
import { Dashboard } from "../admin/views/dashboard.js";
import { flashFrom } from "../admin/views/layout.js";
import { sequenceGraph } from "../admin/sequence-graph.js";
import { listEndpoints } from "../db/queries/webhook-endpoints.js";
import { AuditPage, FailuresPage, OutboxEmailPage, OutboxPage } from "../admin/views/pages.js";
import { SubscriberDetail, SubscriberSearch } from "../admin/views/subscribers.js";
import { adminActor, type AdminEnv } from "../http/admin-auth.js";
import { adminPageHeaders as pageHeaders } from "../http/content-security.js";
import { ApiError } from "../http/errors.js";
import { readFormFields } from "../http/request-body.js";
import { ROW_ID, rowIdParam, uuidParam, validate } from "../http/validate.js";

export interface AdminPageDeps {
  /** The raw pool: the CSV export's cursor and the subscriber actions' leave(). */
  sql: postgres.Sql;
  db: Database;
  logger: Logger;
  queues: Pick<Queues, "enqueueDeliveries">;
  sequence: SequenceDefinition;
  trustProxy: boolean;
  transportName: string;
  clinicName: string;
  /** AUDIT_RETENTION_DAYS, said on the audit page. */
  auditRetentionDays: number;
}

/** The outbox email's own HTML: a sandbox (RFC-less, CSP Level 2) with no script, no forms, no origin. */
const EMAIL_CSP = "sandbox; default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; font-src https: data:";

/** A list's `?before=ID`: where its next page starts. */
const before = (c: Context) => {
  const id = c.req.query("before");
  return id && ROW_ID.test(id) ? Number(id) : undefined;
};

/**
 * The admin's pages. Each attaches `auth` itself (a sub-app's use("*") would guard the whole
 * app once mounted at "/"). Pages hold personal data: never cached, never indexed, and a CSP
 * that lets them load scripts and styles from this origin only (ADMIN_CSP, src/http/content-security.ts).
 */
export function adminPageRoutes(deps: AdminPageDeps, auth: MiddlewareHandler<AdminEnv>) {
  const who = (c: Context<AdminEnv>) => adminActor(c, deps.trustProxy);
  const subscriberId = (c: Context) => uuidParam(c, "No such subscriber.");
  const outboxEmail = async (c: Context) => {
    const email = await queries.outboxEmail(deps.db, rowIdParam(c, "No such email in the outbox."));
    if (!email) throw new ApiError("not_found", "No such email in the outbox.");
    return email;
  };

  return new Hono<AdminEnv>()
    .get("/admin", auth, pageHeaders, validate("query", statsQuerySchema), async (c) => {
      const query = c.req.query();
      const [stats, failures, endpoints] = await Promise.all([
        campaignStats(deps, filterFromQuery(c.req.valid("query"))),
        queries.recentFailures(deps.db, 5),
        listEndpoints(deps.db),
      ]);
      const disabledEndpoints = endpoints.filter((e) => e.status === "disabled");
      return c.html(
        <Dashboard
          stats={stats}
          query={query}
          failures={failures}
          disabledEndpoints={disabledEndpoints}
          clinicName={deps.clinicName}
          graph={sequenceGraph(deps.sequence, stats)}
        />,
      );
    })
    .get("/admin/assets/:name", auth, async (c) => {
      const asset = await adminAsset(c.req.param("name"));
      if (!asset) throw new ApiError("not_found", "No such file.");
      c.header("Content-Type", asset.contentType);
      c.header("Cache-Control", "private, max-age=86400");
      return c.body(asset.body);
    })
    .get("/admin/subscribers", auth, pageHeaders, async (c) => {
      const q = (c.req.query("q") ?? "").trim().toLowerCase().slice(0, 254);
      const results = await (q ? queries.searchSubscribers(deps.db, q, 50) : queries.recentSubscribers(deps.db, 25));
      return c.html(<SubscriberSearch q={q} results={results} recent={!q} clinicName={deps.clinicName} />);
    })
    .get("/admin/subscribers.csv", auth, validate("query", exportQuerySchema), async (c) => {
      const query = c.req.valid("query");
      const filter = { ...filterFromQuery(query), ...(query.status ? { status: query.status } : {}) };
      await recordAdminAction({ db: deps.db, logger: deps.logger }, { ...who(c), action: "subscribers.export_csv", detail: { filter } });
      c.header("Content-Type", "text/csv; charset=utf-8");
      c.header("Content-Disposition", `attachment; filename="subscribers-${new Date().toISOString().slice(0, 10)}.csv"`);
      c.header("Cache-Control", "no-store");
      // Streamed from a database cursor, a batch at a time: memory stays flat at any list size.
      return stream(c, async (out) => {
        await out.write(csvLine(queries.EXPORT_COLUMNS));
        try {
          for await (const rows of queries.exportSubscribers(deps.sql, filter)) {
            if (out.aborted) break;
            await out.write(rows.map((r) => csvLine(queries.EXPORT_COLUMNS.map((col) => r[col]))).join(""));
          }
        } catch (error) {
          // The status line is long gone: the truncated file ends with a line saying so.
          deps.logger.error({ err: error }, "CSV export failed midway");
          await out.write(csvLine(["# export failed midway: this file is incomplete"]));
        }
      });
    })
    .get("/admin/subscribers/:id", auth, pageHeaders, async (c) => {
      const record = await queries.subscriberRecord(deps.db, subscriberId(c));
      if (!record) throw new ApiError("not_found", "No such subscriber.");
      const flash = flashFrom((name) => c.req.query(name), ACTION_MESSAGES);
      return c.html(<SubscriberDetail record={record} flash={flash} clinicName={deps.clinicName} />);
    })
    .get("/admin/subscribers/:id/export", auth, async (c) => {
      const data = await exportSubscriber(deps, who(c), subscriberId(c));
      if (!data) throw new ApiError("not_found", "No such subscriber.");
      c.header("Content-Disposition", 'attachment; filename="subscriber-export.json"');
      c.header("Cache-Control", "no-store");
      return c.json(data);
    })
    .post("/admin/subscribers/:id/:action", auth, async (c) => {
      const id = subscriberId(c);
      const action = c.req.param("action");
      if (!(ACTIONS as readonly string[]).includes(action)) throw new ApiError("not_found", "No such action.");
      const form = (await readFormFields(c)) ?? {};
      if (action === "erase" && form.confirm !== "yes") {
        throw new ApiError("invalid_input", "Tick the box that confirms the erasure.", "confirm");
      }
      const ok = await runSubscriberAction(deps, who(c), id, action as SubscriberAction, { suppress: form.suppress === "yes" });
      if (ok === undefined) throw new ApiError("not_found", "No such subscriber.");
      return c.redirect(`/admin/subscribers/${id}?done=${action}&ok=${ok ? 1 : 0}`, 303);
    })
    .get("/admin/failures", auth, pageHeaders, async (c) => {
      const [failures, events] = await Promise.all([
        queries.recentFailures(deps.db, 200),
        queries.recentUnprocessableEvents(deps.db, 200),
      ]);
      return c.html(<FailuresPage failures={failures} unprocessableEvents={events} clinicName={deps.clinicName} />);
    })
    .get("/admin/outbox", auth, pageHeaders, async (c) => {
      const q = (c.req.query("q") ?? "").trim().slice(0, 254);
      const page = await queries.outboxPage(deps.db, before(c), 50, q);
      const next = page.length === 50 ? page.at(-1)!.id : undefined;
      return c.html(<OutboxPage emails={page} next={next} q={q} transport={deps.transportName} clinicName={deps.clinicName} />);
    })
    .get("/admin/outbox/:id", auth, pageHeaders, async (c) => {
      return c.html(<OutboxEmailPage email={await outboxEmail(c)} clinicName={deps.clinicName} />);
    })
    .get("/admin/outbox/:id/html", auth, async (c) => {
      const email = await outboxEmail(c);
      c.header("Content-Security-Policy", EMAIL_CSP);
      c.header("Cache-Control", "no-store");
      return c.html(email.html);
    })
    .get("/admin/audit", auth, pageHeaders, async (c) => {
      const rows = await queries.auditPage(deps.db, before(c), AUDIT_PAGE);
      const next = rows.length === AUDIT_PAGE ? rows.at(-1)!.id : undefined;
      return c.html(<AuditPage rows={rows} next={next} retentionDays={deps.auditRetentionDays} clinicName={deps.clinicName} />);
    });
}

const AUDIT_PAGE = 100;

const exportQuerySchema = statsQuerySchema.and(
  z.object({ status: z.enum(["pending", "active", "unsubscribed", "bounced", "complained"]).optional() }),
);
