/** @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import type { SubscriberListItem, SubscriberRecord } from "../../db/queries/admin.js";
import { AdminPage, when } from "./layout.js";

export const SubscriberSearch: FC<{ q: string; results: SubscriberListItem[]; recent: boolean; clinicName: string }> = ({
  q,
  results,
  recent,
  clinicName,
}) => (
  <AdminPage title="Subscribers" path="/admin/subscribers" clinicName={clinicName}>
    <h1>Subscribers</h1>
    <div class="card">
      <form class="filters" method="get" action="/admin/subscribers" role="search">
        <label>
          Email starts with
          <input type="search" name="q" value={q} autofocus size={36} placeholder="ana@example.com" />
        </label>
        <button type="submit">Search</button>
        <a class="button secondary" href="/admin/subscribers.csv" download>
          Export all as CSV
        </a>
      </form>
    </div>
    <div class="card">
      <h2>{recent ? "Latest signups" : `${results.length} found${results.length === 50 ? " (first 50)" : ""}`}</h2>
      <table id="results">
        <thead>
          <tr>
            <th>Email</th>
            <th>Status</th>
            <th>Source</th>
            <th>Signed up</th>
          </tr>
        </thead>
        <tbody>
          {results.map((r) => (
            <tr>
              <td>
                <a href={`/admin/subscribers/${r.id}`}>{r.email}</a>
              </td>
              <td>
                <span class={`status ${r.status}`}>{r.erasedAt ? "erased" : r.status}</span>
              </td>
              <td>{r.source ?? <span class="muted">(none)</span>}</td>
              <td class="small">{when(r.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {results.length === 0 ? <p class="muted">No subscriber with an address starting like that.</p> : null}
    </div>
  </AdminPage>
);

interface TimelineItem {
  at: Date;
  what: string;
  detail?: string;
}

function timeline(r: SubscriberRecord): TimelineItem[] {
  const items: TimelineItem[] = [];
  const s = r.subscriber;
  const d = (v: unknown) => new Date(v as string);
  items.push({ at: d(s.created_at), what: "Signed up", detail: [s.source, s.utm_source, s.utm_medium, s.utm_campaign].filter(Boolean).join(" · ") || undefined });
  for (const c of r.consents) {
    items.push({ at: d(c.created_at), what: `Consent: ${String(c.kind)}`, detail: `form ${String(c.form_version)}${c.ip ? ` · from ${String(c.ip)}` : ""}` });
  }
  if (s.confirmed_at) items.push({ at: d(s.confirmed_at), what: "Address confirmed" });
  for (const c of r.confirmations) {
    items.push({ at: d(c.sent_at ?? c.created_at), what: `Confirmation email ${String(c.state)}`, detail: (c.last_error as string | null) ?? undefined });
  }
  for (const x of r.deliveries) {
    const state = String(x.state);
    const at = x.sent_at ?? x.updated_at ?? x.due_at;
    const label = state === "scheduled" ? `Email "${String(x.step)}" scheduled` : `Email "${String(x.step)}" ${state}`;
    items.push({
      at: d(state === "scheduled" ? x.due_at : at),
      what: label,
      detail: [Number(x.attempts) > 1 ? `${String(x.attempts)} attempts` : "", (x.last_error as string | null) ?? ""].filter(Boolean).join(" · ") || undefined,
    });
  }
  for (const e of r.events) {
    items.push({
      at: d(e.at),
      what: `${String(e.type).replace("email.", "Provider: ")} (${String(e.step)})`,
      detail: (e.url as string | null) ?? (e.bounce_type ? `bounce: ${String(e.bounce_type)}` : undefined),
    });
  }
  for (const g of r.downloads) items.push({ at: d(g.downloaded_at), what: "Downloaded the guide" });
  if (s.left_at) items.push({ at: d(s.left_at), what: `Left (${String(s.status)})` });
  if (s.erased_at) items.push({ at: d(s.erased_at), what: "Personal data erased" });
  for (const a of r.audit) {
    items.push({ at: d(a.at), what: `Admin: ${String(a.action)}`, detail: `${String(a.actor)}${a.client_address ? ` from ${String(a.client_address)}` : ""}` });
  }
  return items.sort((a, b) => a.at.getTime() - b.at.getTime());
}

export const SubscriberDetail: FC<{ record: SubscriberRecord; flash?: { ok: boolean; message: string }; clinicName: string }> = ({
  record,
  flash,
  clinicName,
}) => {
  const s = record.subscriber;
  const erased = Boolean(s.erased_at);
  const enrollment = record.enrollments[0];
  const action = (name: string) => `/admin/subscribers/${s.id}/${name}`;
  return (
    <AdminPage title={s.email} path="/admin/subscribers" clinicName={clinicName}>
      <p class="small">
        <a href="/admin/subscribers">← Subscribers</a>
      </p>
      <h1>
        {s.email} <span class={`status ${s.status}`}>{erased ? "erased" : s.status}</span>
      </h1>
      {flash ? (
        <p class={`flash${flash.ok ? "" : " bad"}`} role="status">
          {flash.message}
        </p>
      ) : null}
      <section class="grid g2">
        <div class="card">
          <h2>Record</h2>
          <table>
            <tbody>
              <tr>
                <th>Name</th>
                <td>{(s.first_name as string | null) ?? <span class="muted">–</span>}</td>
              </tr>
              <tr>
                <th>Time zone</th>
                <td>{(s.timezone as string | null) ?? <span class="muted">–</span>}</td>
              </tr>
              <tr>
                <th>Source / UTM</th>
                <td>{[s.source, s.utm_source, s.utm_medium, s.utm_campaign].map((v) => (v as string | null) ?? "–").join(" · ")}</td>
              </tr>
              <tr>
                <th>Sequence</th>
                <td>
                  {enrollment
                    ? `${String(enrollment.state)}; last sent: ${String(enrollment.current_step ?? "none")}${
                        enrollment.next_step ? `; next: ${String(enrollment.next_step)} at ${when(enrollment.next_send_at as Date)}` : ""
                      }`
                    : "not enrolled"}
                </td>
              </tr>
              <tr>
                <th>Guide downloads</th>
                <td>{record.downloads.length}</td>
              </tr>
              <tr>
                <th>Id</th>
                <td>
                  <code>{s.id}</code>
                </td>
              </tr>
            </tbody>
          </table>
        </div>
        <div class="card">
          <h2>Actions</h2>
          <div class="actions">
            <form method="post" action={action("unsubscribe")}>
              <button type="submit" disabled={s.status !== "active" && s.status !== "pending"}>
                Unsubscribe
              </button>
            </form>
            <form method="post" action={action("fresh-link")}>
              <button class="secondary" type="submit" disabled={erased || s.status !== "active"}>
                Email a fresh link
              </button>
            </form>
            <form method="post" action={action("lift-suppression")}>
              <button class="secondary" type="submit" disabled={erased}>
                Lift suppression
              </button>
            </form>
            <a class="button secondary" href={action("export")} download>
              Export (JSON)
            </a>
          </div>
          <form class="actions" method="post" action={action("erase")} style="margin-top:1rem">
            <label class="small">
              <input type="checkbox" name="confirm" value="yes" required /> I understand erasing cannot be undone
            </label>
            <label class="small">
              <input type="checkbox" name="suppress" value="yes" /> and never contact this address again
            </label>
            <button class="danger" type="submit" disabled={erased}>
              Erase personal data
            </button>
          </form>
          <p class="small muted">
            Unsubscribe stops every future email at once. A fresh link mails a new link to the guide (at most one an hour). Erasing
            keeps the anonymous counts.
          </p>
        </div>
      </section>
      <section class="card">
        <h2>Timeline</h2>
        <ul class="timeline">
          {timeline(record).map((item) => (
            <li>
              <span class="small muted">{when(item.at)}</span>
              <span>
                {item.what}
                {item.detail ? <div class="small muted">{item.detail}</div> : null}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </AdminPage>
  );
};
