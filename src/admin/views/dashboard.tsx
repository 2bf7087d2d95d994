/** @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import type { SequenceGraph } from "../sequence-graph.js";
import type { CampaignStats } from "../stats.js";
import type { FailureRow } from "../../db/queries/admin.js";
import type { EndpointListItem } from "../../db/queries/webhook-endpoints.js";
import { signupsAxis } from "../chart-axis.js";
import { AdminPage, ClearLink, fmt, numeric, pct, TableHead, when } from "./layout.js";

export interface DashboardProps {
  stats: CampaignStats;
  /** The query string as given, to refill the filter form. */
  query: Record<string, string>;
  failures: FailureRow[];
  /** Outgoing webhook endpoints that stopped being called, and why: the admin must not miss it. */
  disabledEndpoints?: EndpointListItem[];
  clinicName: string;
  /** The sequence with its paths and how many readers took each (src/admin/sequence-graph.ts). */
  graph?: SequenceGraph;
}

const label = (v: string | null) => (v === null ? <span class="muted">(none)</span> : v);

const Kpi: FC<{ label: string; value: number; sub?: string; id?: string }> = (p) => (
  <div class="card kpi" id={p.id}>
    <div class="label">{p.label}</div>
    <div class="value" data-value={String(p.value)}>
      {fmt(p.value)}
    </div>
    {p.sub ? <div class="sub">{p.sub}</div> : null}
  </div>
);

/** A number cell; with `of`, its share of that whole too. */
const Num: FC<{ n: number; of?: number }> = ({ n, of }) => (
  <td class="n">
    {fmt(n)}
    {of === undefined ? null : <span class="pct">{pct(n, of)}</span>}
  </td>
);

const hostOf = (url: string) => URL.parse(url)?.host ?? url;

/** The sequence as a small graph: the main line, the question, and one path per answer. */
const SequenceGraphCard: FC<{ graph: SequenceGraph }> = ({ graph }) => (
  <section class="card" id="sequence-graph" aria-label="The sequence and the paths readers took">
    <h2>The sequence</h2>
    <ol class="seq-line">
      {graph.line.map((node) => (
        <li>
          <span class="seq-step">{node.step}</span>
          <span class="num">{fmt(node.sent)} sent</span>
        </li>
      ))}
    </ol>
    {graph.question ? (
      <>
        <p class="muted small">
          {graph.question.step}: {fmt(graph.question.asked)} asked "how is it now?" — each reader gets exactly one last email:
        </p>
        <ul class="seq-paths">
          {graph.question.paths.map((path) => (
            <li data-path={path.step}>
              <span>{path.label}</span>
              <span class="num">{fmt(path.readers)} readers</span>
              <span aria-hidden="true">→</span>
              <span class="seq-step">{path.step}</span>
              <span class="num">{fmt(path.sent)} sent</span>
            </li>
          ))}
        </ul>
      </>
    ) : null}
  </section>
);

export const Dashboard: FC<DashboardProps> = ({ stats, query, failures, disabledEndpoints = [], clinicName, graph }) => {
  const s = stats.subscribers;
  const left = s.unsubscribed + s.bounced + s.complained;
  const funnel: { label: string; value: number; kind?: "click" }[] = [
    { label: "Signed up", value: s.total },
    { label: "Confirmed", value: s.confirmed },
    { label: "Downloaded the guide", value: stats.guide.uniqueSubscribers },
    ...stats.steps.flatMap((step) => [
      { label: `${step.step}: delivered`, value: step.delivered },
      { label: `${step.step}: clicked`, value: step.clicked, kind: "click" as const },
    ]),
    // Booking-link clicks apart from bookings: a click is interest, a booking (the tool's report) is the goal.
    { label: "Booking link clicked", value: stats.bookingClicks, kind: "click" as const },
    { label: "Booked", value: stats.conversions.booked },
  ];
  const max = Math.max(1, s.total);
  const filtered = Object.keys(stats.filter).length > 0;
  // Mail filters' fetches of the links (src/signals/rules.ts): kept, and left out of every number here.
  const scannerLinkFetches = stats.steps.reduce((n, st) => n + st.automatedClicks, 0);
  return (
    <AdminPage title="Dashboard" path="/admin" clinicName={clinicName}>
      <h1>Campaign</h1>
      {disabledEndpoints.map((e) => (
        <div class="alert disabled-webhook" role="note">
          <strong>Webhook to {hostOf(e.url)} disabled{e.disabledAt ? ` since ${when(e.disabledAt)}` : ""}:</strong>{" "}
          {e.disabledReason ?? "no reason was recorded"}. Its tools hear nothing until it is enabled again.{" "}
          <a href={`/admin/webhooks/${e.id}`}>Open its log</a>
        </div>
      ))}
      <form class="filters card" method="get" action="/admin">
        <label>
          Signed up from<input type="date" name="from" value={query.from ?? ""} />
        </label>
        <label>
          to<input type="date" name="to" value={query.to ?? ""} />
        </label>
        <label>
          Source<input name="source" value={query.source ?? ""} placeholder="any" size={10} />
        </label>
        <label>
          utm_source<input name="utm_source" value={query.utm_source ?? ""} placeholder="any" size={10} />
        </label>
        <label>
          utm_medium<input name="utm_medium" value={query.utm_medium ?? ""} placeholder="any" size={10} />
        </label>
        <label>
          utm_campaign<input name="utm_campaign" value={query.utm_campaign ?? ""} placeholder="any" size={12} />
        </label>
        <button type="submit">Apply</button>
        <ClearLink href="/admin" shown={filtered} />
        <span class="muted small">
          Filters pick the subscribers who signed up in the range with those labels; <code>(none)</code> matches an empty one.
        </span>
      </form>

      <section class="grid g4" aria-label="Headline numbers">
        <Kpi id="kpi-signups" label="Signed up" value={s.total} sub={`${fmt(s.pending)} awaiting confirmation`} />
        <Kpi id="kpi-active" label="Active" value={s.active} sub={`${fmt(s.completed)} finished the sequence`} />
        <Kpi
          id="kpi-guide"
          label="Got the guide"
          value={stats.guide.uniqueSubscribers}
          sub={`${pct(stats.guide.uniqueSubscribers, s.total)} of signups · ${fmt(stats.guide.downloads)} downloads`}
        />
        <Kpi
          id="kpi-clicked"
          label="Emails clicked"
          value={stats.steps.reduce((n, st) => n + st.clicked, 0)}
          sub={`of ${fmt(stats.steps.reduce((n, st) => n + st.delivered, 0))} delivered`}
        />
        <Kpi
          id="kpi-left"
          label="Left"
          value={left}
          sub={`${fmt(s.unsubscribed)} unsubscribed · ${fmt(s.bounced)} bounced · ${fmt(s.complained)} complained`}
        />
      </section>

      <section class="grid g2">
        <div class="card">
          <h2>Signups per day</h2>
          <div id="signups-chart" role="img" aria-label="Signups per day chart"></div>
          {/* Data, not code: JSON with "<" escaped so it can never close the element. */}
          <script
            type="application/json"
            id="signups-data"
            dangerouslySetInnerHTML={{ __html: JSON.stringify(stats.signupsByDay).replace(/</g, "\\u003c") }}
          ></script>
          {/* The time axis, worked out here (src/admin/chart-axis.ts): ticks for a wide card and a phone's. */}
          <script
            type="application/json"
            id="signups-axis"
            dangerouslySetInnerHTML={{
              __html: JSON.stringify({ wide: signupsAxis(stats.signupsByDay, 12), narrow: signupsAxis(stats.signupsByDay, 5) }).replace(/</g, "\\u003c"),
            }}
          ></script>
        </div>
        <div class="card funnel">
          <h2>Funnel</h2>
          <p class="muted small" id="scanner-note">
            People only. Left out, as mail scanners' and link checkers' fetches: {fmt(stats.guide.automated)} of the guide
            and {fmt(scannerLinkFetches)} of the emails' links (a guide link in an email counts in both).
          </p>
          {funnel.map((f) => (
            <div class="row">
              <span>{f.label}</span>
              <div class={`bar${f.kind === "click" ? " click" : ""}`}>
                <span style={`width:${((f.value / max) * 100).toFixed(2)}%`}></span>
              </div>
              <span class="num">
                {fmt(f.value)}
                <span class="pct">{pct(f.value, s.total)}</span>
              </span>
            </div>
          ))}
        </div>
      </section>

      {graph ? <SequenceGraphCard graph={graph} /> : null}

      <section class="card">
        <h2>Each email</h2>
        <table id="steps-table">
          <TableHead
            cols={[
              "Step",
              ...numeric("Sent", "Delivered", <>Opened <span class="est" title={stats.estimates["steps.opened"]}>estimate</span></>),
              ...numeric("Clicked", "Bounced", "Complained", "Failed", "Unsubscribed after"),
            ]}
          />
          <tbody>
            {stats.steps.map((st) => (
              <tr data-step={st.step}>
                <td>{st.step}</td>
                <Num n={st.sent} />
                <Num n={st.delivered} of={st.sent} />
                <Num n={st.opened} of={st.delivered} />
                <Num n={st.clicked} of={st.delivered} />
                <Num n={st.bounced} />
                <Num n={st.complained} />
                <Num n={st.failed} />
                <Num n={st.unsubscribed} />
              </tr>
            ))}
          </tbody>
        </table>
        <p class="muted small">
          {stats.estimates["steps.opened"]} {fmt(stats.unsubscribedBeforeFirstEmail)} unsubscribed before their first email.
        </p>
      </section>

      <section>
        <div class="card">
          <h2>Sources</h2>
          <table>
            <TableHead
              cols={[
                ...["Source", "utm_source", "utm_medium", "utm_campaign"],
                ...numeric("Signups", "Active", "Got the guide", "Emails clicked", "Booked", "Unsubscribed"),
              ]}
            />
            <tbody>
              {stats.sources.slice(0, 12).map((src) => (
                <tr>
                  <td>{label(src.source)}</td>
                  <td>{label(src.utmSource)}</td>
                  <td>{label(src.utmMedium)}</td>
                  <td>{label(src.utmCampaign)}</td>
                  <Num n={src.signups} />
                  <Num n={src.active} />
                  <Num n={src.guideDownloaders} of={src.signups} />
                  <Num n={src.emailsClicked} />
                  <Num n={src.booked} />
                  <Num n={src.unsubscribed} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section>
        <div class="card">
          <h2>
            Recent failures <a class="small" href="/admin/failures">all</a>
          </h2>
          {failures.length === 0 ? (
            <p class="muted">No failed sends.</p>
          ) : (
            <table>
              <tbody>
                {failures.map((f) => (
                  <tr>
                    <td class="small">{when(f.at)}</td>
                    <td>{f.step}</td>
                    <td>
                      <a href={`/admin/subscribers/${f.subscriberId}`}>{f.email}</a>
                      <div class="small muted">{f.lastError ?? "(no error kept)"}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </section>
      <p class="muted small">
        Numbers as of {when(stats.generatedAt)}, exact against the database. JSON: <a href={`/admin/api/stats${toQuery(query)}`}>/admin/api/stats</a>
      </p>
      <link rel="stylesheet" href="/admin/assets/uplot.min.css" />
      <script src="/admin/assets/uplot.iife.min.js"></script>
      <script src="/admin/assets/dashboard.js"></script>
    </AdminPage>
  );
};

export function toQuery(query: Record<string, string>): string {
  const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== ""));
  const text = params.toString();
  return text ? `?${text}` : "";
}
