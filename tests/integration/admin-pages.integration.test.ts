import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foldStats } from "../../src/db/queries/stats.js";
import { createStack, postJson, uniqueEmail, waitFor, type TestStack, adminSessionCookie } from "../support/stack.js";

const TOKEN = "pages-admin-token-".padEnd(40, "p");
const ORIGIN = "http://guide.test";

/** The dashboard and the tools, on a running stack (API + workers, outbox transport). */
describe("admin pages and tools", () => {
  let stack: TestStack;
  let cookie: string;
  const emails = { ana: uniqueEmail("ana"), ben: uniqueEmail("ben"), eve: uniqueEmail("eve") };
  const ids: Record<string, string> = {};

  const get = (path: string) => stack.app.request(path, { headers: { cookie } });
  const post = (path: string, form: Record<string, string> = {}) =>
    stack.app.request(path, {
      method: "POST",
      headers: { cookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });

  beforeAll(async () => {
    stack = await createStack({ transport: "outbox", env: { ADMIN_TOKEN: TOKEN } });
    await stack.startWorkers();
    cookie = await adminSessionCookie(stack, TOKEN, ORIGIN);
    await postJson(stack, { email: emails.ana, firstName: "=HYPERLINK(\"x\")", source: "article", utm_source: "blog" });
    await postJson(stack, { email: emails.ben, source: "instagram" });
    await postJson(stack, { email: emails.eve });
    const sql = stack.deps.db.sql;
    await waitFor(async () => {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from outbox_emails where step = 'welcome'`;
      return row!.n === 3;
    }, 10_000, "three welcome emails in the outbox");
    for (const [key, email] of Object.entries(emails)) {
      const [row] = await sql<{ id: string }[]>`select id from subscribers where email = ${email}`;
      ids[key] = row!.id;
    }
    // The next steps are scheduled in the commit that follows each send: wait for them.
    await waitFor(async () => {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from deliveries where step = 'triggers'`;
      return row!.n === 3;
    }, 10_000, "three triggers deliveries scheduled");
    // Eve's second email failed for good, as the provider would have it.
    await sql`
      update deliveries set state = 'failed', last_error = 'provider said 422: the address is not valid', attempts = 1
       where subscriber_id = ${ids.eve!} and step = 'triggers'`;
  });
  afterAll(() => stack.close());

  it("the dashboard shows the numbers, the chart, the funnel, the steps and the sources", async () => {
    await foldStats(stack.deps.db.sql);
    const res = await get("/admin");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toMatch(/id="kpi-signups"[^]*?data-value="3"/);
    expect(html).toMatch(/<tr data-step="welcome"><td>welcome<\/td><td class="n">3<\/td>/);
    expect(html).toContain("Downloaded the guide");
    expect(html).toContain('<script src="/admin/assets/uplot.iife.min.js"></script>');
    expect(html).toMatch(/<script type="application\/json" id="signups-data">\[\{"date":"\d{4}-\d\d-\d\d","count":3\}\]<\/script>/);
    expect(html).toContain("article");
    expect(html).toContain("provider said 422"); // recent failures
    // People only, with the line that says how many scanner fetches were left out; the sequence as a graph.
    expect(html).toMatch(/id="scanner-note">\s*People only. Left out, as mail scanners(&#39;|')? and link checkers(&#39;|')? fetches: 0 of the guide\s+and 0 of the emails/);
    expect(html).toContain('id="sequence-graph"');
    expect(html).toMatch(/<li data-path="closing"><span>No answer<\/span>/);
    expect(html).toContain("Booked");
    await stack.deps.db.sql`
      insert into link_visits (subscriber_id, delivery_id, link, automated, settled)
      select subscriber_id, id, 'guide', 'burst', true from deliveries where subscriber_id = ${ids.ana!} and step = 'welcome'`;
    expect(await (await get("/admin")).text()).toMatch(/id="scanner-note">[^<]*: 1 of the guide\s+and 1 of the emails/);
    const filtered = await (await get("/admin?source=instagram")).text();
    expect(filtered).toMatch(/id="kpi-signups"[^]*?data-value="1"/);

    const js = await get("/admin/assets/uplot.iife.min.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toContain("javascript");
    expect(js.headers.get("cache-control")).toBe("private, max-age=86400");
    expect(await js.text()).toContain("uPlot");
    expect((await get("/admin/assets/nope.js")).status).toBe(404);
  });

  it("finds a subscriber by the start of the address and shows the timeline", async () => {
    const list = await (await get(`/admin/subscribers?q=${encodeURIComponent(emails.ana.slice(0, 8).toUpperCase())}`)).text();
    expect(list).toContain(`/admin/subscribers/${ids.ana}`);
    expect(list).not.toContain(emails.ben);
    const page = await get(`/admin/subscribers/${ids.ana}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(emails.ana);
    expect(html).toContain("Consent: signup");
    expect(html).toContain("Email &quot;welcome&quot; sent");
    expect(html).toContain("Email &quot;triggers&quot; scheduled");
    expect((await get("/admin/subscribers/not-a-uuid")).status).toBe(404);
    expect((await get("/admin/subscribers/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it("acts on one subscriber: a fresh link, export, unsubscribe, erase — each audited", async () => {
    const sql = stack.deps.db.sql;
    const resend = await post(`/admin/subscribers/${ids.ben}/fresh-link`);
    expect(resend.status).toBe(303);
    expect(resend.headers.get("location")).toBe(`/admin/subscribers/${ids.ben}?done=fresh-link&ok=1`);
    await waitFor(async () => {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from outbox_emails where "to" = ${emails.ben} and step = 'fresh-link'`;
      return row!.n === 1;
    }, 10_000, "the fresh guide link in the outbox");
    expect(await (await get(`/admin/subscribers/${ids.ben}?done=fresh-link&ok=1`)).text()).toContain("A fresh guide link is queued");

    const exported = await get(`/admin/subscribers/${ids.ben}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-disposition")).toContain("attachment");
    expect(JSON.stringify(await exported.json())).toContain(emails.ben);

    expect((await post(`/admin/subscribers/${ids.ben}/unsubscribe`)).status).toBe(303);
    const [ben] = await sql<{ status: string }[]>`select status from subscribers where id = ${ids.ben!}`;
    expect(ben!.status).toBe("unsubscribed");
    const [pending] = await sql<{ n: number }[]>`
      select count(*)::int as n from deliveries where subscriber_id = ${ids.ben!} and state = 'scheduled'`;
    expect(pending!.n).toBe(0);

    expect((await post(`/admin/subscribers/${ids.ben}/erase`)).status).toBe(400); // the box was not ticked
    expect((await post(`/admin/subscribers/${ids.ben}/erase`, { confirm: "yes" })).status).toBe(303);
    const [erased] = await sql<{ email: string; erased_at: Date | null }[]>`select email, erased_at from subscribers where id = ${ids.ben!}`;
    expect(erased!.erased_at).not.toBeNull();
    expect(erased!.email).not.toBe(emails.ben);
    expect((await post(`/admin/subscribers/${ids.ben}/nonsense`)).status).toBe(404);

    const audit = await sql<{ action: string; subscriber_id: string; actor: string }[]>`
      select action, subscriber_id, actor from admin_audit where subscriber_id = ${ids.ben!} order by id`;
    expect(audit.map((a) => a.action)).toEqual(["subscriber.fresh-link", "subscriber.export", "subscriber.unsubscribe", "subscriber.erase"]);
    expect(audit.every((a) => a.actor === "admin (session)")).toBe(true);
    expect(stack.logs.join("")).not.toContain(TOKEN);
    const timeline = await (await get(`/admin/subscribers/${ids.ben}`)).text();
    expect(timeline).toContain("Admin: subscriber.erase");
  });

  it("lifts a bounce suppression", async () => {
    const sql = stack.deps.db.sql;
    await sql`update subscribers set status = 'bounced', left_at = now() where id = ${ids.eve!}`;
    const res = await post(`/admin/subscribers/${ids.eve}/lift-suppression`);
    expect(res.headers.get("location")).toBe(`/admin/subscribers/${ids.eve}?done=lift-suppression&ok=1`);
    const [eve] = await sql<{ status: string }[]>`select status from subscribers where id = ${ids.eve!}`;
    expect(eve!.status).toBe("unsubscribed");
    const again = await post(`/admin/subscribers/${ids.eve}/lift-suppression`);
    expect(again.headers.get("location")).toContain("ok=0");
  });

  it("exports every subscriber as CSV, streamed, with formulas defused", async () => {
    const res = await get("/admin/subscribers.csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="subscribers-\d{4}-\d\d-\d\d\.csv"$/);
    const text = await res.text();
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "id,email,first_name,status,source,utm_source,utm_medium,utm_campaign,timezone,created_at,confirmed_at,left_at,erased_at,sequence_state,last_step_sent,guide_downloads",
    );
    expect(lines).toHaveLength(4);
    const ana = lines.find((l) => l.includes(emails.ana))!;
    expect(ana).toContain(`"'=HYPERLINK(""x"")"`);
    expect(ana).toContain(",active,article,blog,");
    const only = (await (await get("/admin/subscribers.csv?source=instagram")).text()).trimEnd().split("\r\n");
    expect(only).toHaveLength(2);
    const [audit] = await stack.deps.db.sql<{ n: number }[]>`select count(*)::int as n from admin_audit where action = 'subscribers.export_csv'`;
    expect(audit!.n).toBe(2);
  });

  it("shows the outbox, with each email's HTML in a sandbox", async () => {
    const list = await (await get("/admin/outbox")).text();
    const [row] = await stack.deps.db.sql<{ id: number }[]>`select id from outbox_emails where "to" = ${emails.ana} and step = 'welcome'`;
    expect(list).toContain(`/admin/outbox/${row!.id}`);
    const page = await (await get(`/admin/outbox/${row!.id}`)).text();
    expect(page).toContain('<iframe class="email" sandbox=""');
    expect(page).toContain("List-Unsubscribe");
    const html = await get(`/admin/outbox/${row!.id}/html`);
    expect(html.status).toBe(200);
    expect(html.headers.get("content-security-policy")).toMatch(/^sandbox;/);
    expect(await html.text()).toContain("/guide/");
    expect((await get("/admin/outbox/999999999")).status).toBe(404);
  });

  it("lists failed sends with their error", async () => {
    const html = await (await get("/admin/failures")).text();
    expect(html).toContain("provider said 422: the address is not valid");
    expect(html).toContain(`/admin/subscribers/${ids.eve}`);
  });

  it("serves the queue UI behind the same login", async () => {
    const ui = await get("/admin/queues");
    expect(ui.status).toBe(200);
    const html = await ui.text();
    expect(html).toContain('<base href="/admin/queues/" />');
    const script = /src="(static\/js\/[^"]+\.js)"/.exec(html)![1]!;
    expect((await get(`/admin/queues/${script}`)).status).toBe(200);
    expect((await stack.app.request(`/admin/queues/${script}`)).status).toBe(303);
    const api = await get("/admin/queues/api/queues");
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name).join(",")).toMatch(/send/);
  });

  it("/metrics: Prometheus text with signups, sends by step and result, provider latency, queue depth, repairs", async () => {
    await foldStats(stack.deps.db.sql);
    const res = await stack.app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toMatch(/^fur_signups 3$/m);
    expect(text).toMatch(/^fur_subscribers\{status="unsubscribed"\} 2$/m);
    expect(text).toMatch(/^fur_emails\{step="welcome",result="sent"\} 3$/m);
    expect(text).toMatch(/^fur_emails\{step="triggers",result="failed"\} 1$/m);
    expect(text).toMatch(/^fur_provider_request_duration_seconds_count\{transport="outbox",outcome="sent"\} \d+$/m);
    expect(text).toMatch(/^fur_queue_jobs\{queue="send",state="delayed"\} \d+$/m);
    expect(text).toMatch(/^fur_queue_store_up 1$/m);
    expect(text).toMatch(/^fur_reconciler_runs_total \d+$/m);
    expect(text).toContain("# TYPE fur_reconciler_repairs_total counter");
  });

  it("/metrics adds what other live processes published, and ignores a process gone quiet", async () => {
    const snapshot = (value: number) => [
      { name: "fur_snapshot_probe_total", help: "probe", type: "counter", aggregator: "sum", values: [{ value, labels: {} }] },
    ];
    await stack.deps.db.sql`
      insert into metric_snapshots (process, metrics, updated_at) values
        ('probe-host:1:worker', ${stack.deps.db.sql.json(snapshot(5))}, now()),
        ('probe-host:2:worker', ${stack.deps.db.sql.json(snapshot(2))}, now()),
        ('probe-host:3:worker', ${stack.deps.db.sql.json(snapshot(100))}, now() - interval '10 minutes')`;
    const res = await stack.app.request("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^fur_snapshot_probe_total 7$/m);
  });
});
