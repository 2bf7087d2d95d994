/** @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import type { SubscriberListItem, SubscriberRecord } from "../../db/queries/admin.js";
import { AdminPage, BackLink, FlashLine, KeyRow, TableHead, type Flash, when } from "./layout.js";

type SubscriberSearchProps = { q: string; results: SubscriberListItem[]; recent: boolean; clinicName: string };

export const SubscriberSearch: FC<SubscriberSearchProps> = ({ q, results, recent, clinicName }) => (
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
        <TableHead cols={["Email", "Status", "Source", "Signed up"]} />
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

const ANSWER_LABELS = { better: "better", same: "about the same", worse: "worse" } as const;

interface TimelineItem {
  at: Date;
  what: string;
  detail?: string;
}

function timeline(r: SubscriberRecord): TimelineItem[] {
  const items: TimelineItem[] = [];
  const s = r.subscriber;
  const labels = [s.source, s.utmSource, s.utmMedium, s.utmCampaign];
  items.push({ at: s.createdAt, what: "Signed up", detail: labels.filter(Boolean).join(" · ") || undefined });
  for (const c of r.consents) {
    items.push({ at: c.createdAt, what: `Consent: ${c.kind}`, detail: `form ${c.formVersion}${c.ip ? ` · from ${c.ip}` : ""}` });
  }
  if (s.confirmedAt) items.push({ at: s.confirmedAt, what: "Address confirmed" });
  for (const c of r.confirmations) {
    items.push({ at: c.sentAt ?? c.createdAt, what: `Confirmation email ${c.state}`, detail: c.lastError ?? undefined });
  }
  for (const x of r.deliveries) {
    const label = x.state === "scheduled" ? `Email "${x.step}" scheduled` : `Email "${x.step}" ${x.state}`;
    items.push({
      at: x.state === "scheduled" ? x.dueAt : (x.sentAt ?? x.updatedAt),
      what: label,
      detail: [x.attempts > 1 ? `${x.attempts} attempts` : "", x.lastError ?? ""].filter(Boolean).join(" · ") || undefined,
    });
  }
  for (const e of r.events) {
    items.push({
      at: e.at,
      what: `${e.type.replace("email.", "Provider: ")} (${e.step})`,
      detail: e.url ?? (e.bounceType ? `bounce: ${e.bounceType}` : undefined),
    });
  }
  for (const g of r.downloads) items.push({ at: g.downloadedAt, what: "Downloaded the guide" });
  for (const a of r.answers) items.push({ at: a.answeredAt, what: `Check-in answered: ${ANSWER_LABELS[a.answer]}` });
  for (const c of r.conversions) items.push({ at: c.convertedAt, what: `Goal reached: ${c.goal}`, detail: "the sequence stopped" });
  if (s.leftAt) items.push({ at: s.leftAt, what: `Left (${s.status})` });
  if (s.erasedAt) items.push({ at: s.erasedAt, what: "Personal data erased" });
  for (const a of r.audit) {
    items.push({ at: a.at, what: `Admin: ${a.action}`, detail: `${a.actor}${a.clientAddress ? ` from ${a.clientAddress}` : ""}` });
  }
  return items.sort((a, b) => a.at.getTime() - b.at.getTime());
}

type SubscriberDetailProps = { record: SubscriberRecord; flash?: Flash; clinicName: string };

export const SubscriberDetail: FC<SubscriberDetailProps> = ({ record, flash, clinicName }) => {
  const s = record.subscriber;
  const erased = s.erasedAt !== null;
  const enrollment = record.enrollments[0];
  const action = (name: string) => `/admin/subscribers/${s.id}/${name}`;
  return (
    <AdminPage title={s.email} path="/admin/subscribers" clinicName={clinicName}>
      <BackLink href="/admin/subscribers" label="Subscribers" />
      <h1>
        {s.email} <span class={`status ${s.status}`}>{erased ? "erased" : s.status}</span>
      </h1>
      <FlashLine flash={flash} />
      <section class="grid g2">
        <div class="card">
          <h2>Record</h2>
          <table>
            <tbody>
              <KeyRow name="Name">{s.firstName ?? <span class="muted">–</span>}</KeyRow>
              <KeyRow name="Time zone">{s.timezone ?? <span class="muted">–</span>}</KeyRow>
              <KeyRow name="Source / UTM">{[s.source, s.utmSource, s.utmMedium, s.utmCampaign].map((v) => v ?? "–").join(" · ")}</KeyRow>
              <KeyRow name="Sequence">
                {enrollment
                  ? `${enrollment.state}; last sent: ${enrollment.currentStep ?? "none"}${
                      enrollment.nextStep ? `; next: ${enrollment.nextStep} at ${when(enrollment.nextSendAt)}` : ""
                    }`
                  : "not enrolled"}
              </KeyRow>
              <KeyRow name="Guide downloads">{record.downloads.length}</KeyRow>
              <KeyRow name="Id">
                <code>{s.id}</code>
              </KeyRow>
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
