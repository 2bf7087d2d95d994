import type postgres from "postgres";

/**
 * The campaign numbers counted the slow, obvious way, straight from the base tables — no rollup,
 * no triggers, no stats functions. The stats test and the bench compare GET /admin/api/stats with
 * this (unfiltered, or filtered by source) to show the fast path is exact.
 */
export interface OracleStats {
  subscribers: Record<"total" | "pending" | "active" | "completed" | "unsubscribed" | "bounced" | "complained" | "confirmed", number>;
  guide: { downloads: number; uniqueSubscribers: number; automated: number };
  steps: Map<string, Record<"sent" | "delivered" | "opened" | "clicked" | "automatedClicks" | "bounced" | "complained" | "failed" | "unsubscribed", number>>;
  signupsByDay: Map<string, number>;
}

export async function oracleStats(sql: postgres.Sql, filter: { source?: string } = {}): Promise<OracleStats> {
  // The cohort: every subscriber, or those with this source.
  const cohort = filter.source === undefined ? sql`true` : sql`s.source = ${filter.source}`;
  const [people] = await sql<Record<string, number>[]>`
    select count(*)::int as total,
           count(*) filter (where status = 'pending')::int as pending,
           count(*) filter (where status = 'active')::int as active,
           count(*) filter (where status = 'active' and exists (
             select 1 from enrollments e where e.subscriber_id = s.id and e.state = 'completed'))::int as completed,
           count(*) filter (where status = 'unsubscribed')::int as unsubscribed,
           count(*) filter (where status = 'bounced')::int as bounced,
           count(*) filter (where status = 'complained')::int as complained,
           count(*) filter (where confirmed_at is not null)::int as confirmed
      from subscribers s where ${cohort}`;
  const [guide] = await sql<{ downloads: number; unique_subscribers: number; automated: number }[]>`
    select count(*)::int as downloads, count(distinct g.subscriber_id)::int as unique_subscribers,
           (select count(*)::int from link_visits v left join subscribers s on s.id = v.subscriber_id
             where v.link = 'guide' and v.automated is not null
               and ${filter.source === undefined ? sql`true` : sql`s.source = ${filter.source}`}) as automated
      from guide_downloads g left join subscribers s on s.id = g.subscriber_id
     where ${filter.source === undefined ? sql`true` : sql`s.source = ${filter.source}`}`;
  const sends = await sql<{ step: string; sent: number; failed: number }[]>`
    select d.step, count(*) filter (where d.state = 'sent')::int as sent, count(*) filter (where d.state = 'failed')::int as failed
      from deliveries d join subscribers s on s.id = d.subscriber_id where d.kind = 'step' and ${cohort} group by d.step`;
  // A click is a person's settled fetch of one of the email's own links (not the provider's event).
  const clicks = await sql<{ step: string; clicked: number; automated: number }[]>`
    select d.step,
           count(distinct d.id) filter (where v.automated is null and v.settled)::int as clicked,
           count(*) filter (where v.automated is not null)::int as automated
      from deliveries d join link_visits v on v.delivery_id = d.id join subscribers s on s.id = d.subscriber_id
     where d.kind = 'step' and v.link <> 'unsubscribe' and ${cohort} group by d.step`;
  const events = await sql<{ step: string; delivered: number; opened: number; bounced: number; complained: number }[]>`
    select d.step,
           count(distinct d.id) filter (where e.type = 'email.delivered')::int as delivered,
           count(distinct d.id) filter (where e.type = 'email.opened')::int as opened,
           count(distinct d.id) filter (where e.type = 'email.bounced')::int as bounced,
           count(distinct d.id) filter (where e.type = 'email.complained')::int as complained
      from deliveries d join email_events e on e.delivery_id = d.id join subscribers s on s.id = d.subscriber_id
     where d.kind = 'step' and ${cohort} group by d.step`;
  const left = await sql<{ step: string; n: number }[]>`
    select l.step, count(*)::int as n
      from subscribers s
      cross join lateral (select d.step from deliveries d where d.subscriber_id = s.id and d.kind = 'step' and d.state = 'sent'
                          order by d.sent_at desc nulls last, d.id desc limit 1) l
     where s.status = 'unsubscribed' and ${cohort} group by l.step`;
  const days = await sql<{ day: string; n: number }[]>`
    select ((s.created_at at time zone 'UTC')::date)::text as day, count(*)::int as n
      from subscribers s where ${cohort} group by 1`;

  const steps: OracleStats["steps"] = new Map();
  const step = (key: string) => {
    let row = steps.get(key);
    if (!row) {
      row = { sent: 0, delivered: 0, opened: 0, clicked: 0, automatedClicks: 0, bounced: 0, complained: 0, failed: 0, unsubscribed: 0 };
      steps.set(key, row);
    }
    return row;
  };
  for (const r of sends) Object.assign(step(r.step), { sent: r.sent, failed: r.failed });
  for (const r of events) {
    Object.assign(step(r.step), { delivered: r.delivered, opened: r.opened, bounced: r.bounced, complained: r.complained });
  }
  for (const r of clicks) Object.assign(step(r.step), { clicked: r.clicked, automatedClicks: r.automated });
  for (const r of left) step(r.step).unsubscribed = r.n;
  return {
    subscribers: people as OracleStats["subscribers"],
    guide: { downloads: guide!.downloads, uniqueSubscribers: guide!.unique_subscribers, automated: guide!.automated },
    steps,
    signupsByDay: new Map(days.map((d) => [d.day, d.n])),
  };
}

/** Every difference between the API's numbers and the oracle's, as readable lines (none = exact). */
export function differences(
  api: {
    subscribers: object;
    guide: { downloads: number; uniqueSubscribers: number; automated: number };
    steps: readonly { step: string }[];
    retiredSteps?: readonly { step: string }[];
    signupsByDay: { date: string; count: number }[];
  },
  oracle: OracleStats,
): string[] {
  const out: string[] = [];
  const check = (what: string, got: unknown, want: unknown) => {
    if (got !== want) out.push(`${what}: api ${String(got)}, database ${String(want)}`);
  };
  const people = api.subscribers as Record<string, unknown>;
  for (const [k, v] of Object.entries(oracle.subscribers)) check(`subscribers.${k}`, people[k], v);
  check("guide.downloads", api.guide.downloads, oracle.guide.downloads);
  check("guide.uniqueSubscribers", api.guide.uniqueSubscribers, oracle.guide.uniqueSubscribers);
  check("guide.automated", api.guide.automated, oracle.guide.automated);
  const apiSteps = new Map([...api.steps, ...(api.retiredSteps ?? [])].map((s) => [s.step, s as Record<string, unknown>]));
  for (const [key, want] of oracle.steps) {
    for (const [k, v] of Object.entries(want)) check(`steps.${key}.${k}`, apiSteps.get(key)?.[k] ?? 0, v);
  }
  for (const s of api.steps) {
    if (oracle.steps.has(s.step)) continue;
    for (const [k, v] of Object.entries(s)) if (k !== "step") check(`steps.${s.step}.${k}`, v, 0);
  }
  const apiDays = new Map(api.signupsByDay.map((d) => [d.date, d.count]));
  for (const [day, n] of oracle.signupsByDay) check(`signupsByDay.${day}`, apiDays.get(day) ?? 0, n);
  for (const [day, n] of apiDays) if (!oracle.signupsByDay.has(day)) check(`signupsByDay.${day}`, n, 0);
  return out;
}
