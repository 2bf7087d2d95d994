/** @jsxImportSource hono/jsx */
import type { Child, FC, PropsWithChildren } from "hono/jsx";

/** The admin frame: server-rendered, inline stylesheet, scripts only from /admin/assets (the CSP). */
export const NAV = [
  ["/admin", "Dashboard"],
  ["/admin/subscribers", "Subscribers"],
  ["/admin/failures", "Failures"],
  ["/admin/outbox", "Outbox"],
  ["/admin/webhooks", "Webhooks"],
  ["/admin/queues", "Queues"],
  ["/admin/audit", "Audit"],
] as const;

const CSS = `
:root{--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--bg:#f5f7fa;--brand:#0b6e4f;--brand2:#2f6f6a;--warn:#b44d12;--bad:#ab091e}
*{box-sizing:border-box}body{margin:0;font:14px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#fff;border-bottom:1px solid var(--line);padding:.6rem 1.5rem;display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap}
header .brand{font-weight:700;color:var(--brand2);letter-spacing:.02em}header nav{display:flex;gap:1rem;flex-wrap:wrap}
header nav a{color:var(--muted);text-decoration:none;padding:.2rem 0;border-bottom:2px solid transparent}
header nav a[aria-current=page]{color:var(--ink);border-color:var(--brand)}header form{margin-left:auto}
main{max-width:78rem;margin:0 auto;padding:1.25rem 1.5rem 3rem}h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.05rem;margin:0 0 .75rem}
a{color:var(--brand)}a:focus,button:focus,input:focus,select:focus{outline:3px solid #f0b429;outline-offset:2px}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:1rem 1.25rem;margin-bottom:1rem;min-width:0;overflow-x:auto}
.grid{display:grid;gap:1rem}.grid>*{min-width:0}.g4{grid-template-columns:repeat(auto-fit,minmax(min(11rem,100%),1fr))}.g2{grid-template-columns:repeat(auto-fit,minmax(min(22rem,100%),1fr))}
.kpi .label{color:var(--muted);font-size:.8rem;text-transform:uppercase;letter-spacing:.05em}.kpi .value{font-size:1.9rem;font-weight:700;line-height:1.2}
.kpi .sub{color:var(--muted);font-size:.85rem}.est{color:var(--warn);font-size:.75rem;font-weight:600}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.75rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600}td.n,th.n{text-align:right}
.pct{color:var(--muted);font-size:.8rem;margin-left:.3rem}
.funnel .row{display:grid;grid-template-columns:14rem 1fr 7rem;gap:.75rem;align-items:center;margin:.3rem 0}
.funnel .bar{height:1.1rem;background:#e4f2ec;border-radius:4px;overflow:hidden}.funnel .bar span{display:block;height:100%;background:var(--brand)}
.funnel .bar.click span{background:#f0b429}.funnel .num{text-align:right;font-variant-numeric:tabular-nums}
.seq-line{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;padding:0;margin:0 0 .75rem}.seq-line li{display:flex;flex-direction:column;border:1px solid var(--line);border-radius:6px;padding:.35rem .6rem}
.seq-line li+li::before{content:"→";position:absolute;margin-left:-1.05rem;color:var(--muted)}.seq-line li{position:relative}
.seq-step{font-weight:600}.seq-line .num,.seq-paths .num{color:var(--muted);font-size:.85rem;font-variant-numeric:tabular-nums}
.seq-paths{list-style:none;padding:0;margin:0}.seq-paths li{display:grid;grid-template-columns:9rem 7rem 1rem 9rem auto;gap:.5rem;align-items:baseline;padding:.25rem 0;border-bottom:1px solid var(--line)}
form.filters{display:flex;gap:.6rem;flex-wrap:wrap;align-items:end}form.filters label{display:flex;flex-direction:column;font-size:.75rem;color:var(--muted)}
input,select{font:inherit;padding:.35rem .5rem;border:1px solid #9aa5b1;border-radius:6px;background:#fff}
button,.button{font:inherit;font-weight:600;padding:.4rem .9rem;border:0;border-radius:6px;background:var(--brand);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#fff;color:var(--brand);border:1px solid var(--brand)}button.danger{background:var(--bad)}button:disabled{background:#e5e7eb;color:#4b5563;border:1px solid #d1d5db;cursor:not-allowed}
.status{display:inline-block;padding:.05rem .5rem;border-radius:99px;font-size:.8rem;font-weight:600;background:#e4f2ec;color:var(--brand)}
.status.unsubscribed,.status.pending,.status.cancelled{background:#eef2f7;color:var(--muted)}.status.bounced,.status.complained,.status.failed,.status.disabled{background:#fde8e8;color:var(--bad)}
.flash{padding:.6rem 1rem;border-radius:8px;margin-bottom:1rem;background:#e4f2ec}.flash.bad{background:#fde8e8}
.muted{color:var(--muted)}.small{font-size:.85rem}code,pre{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--bg);padding:.75rem;border-radius:6px;max-height:24rem;overflow:auto}
.timeline{list-style:none;margin:0;padding:0}.timeline li{display:grid;grid-template-columns:11rem 1fr;gap:1rem;padding:.35rem 0;border-bottom:1px solid var(--line)}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}.actions form{margin:0}
#signups-chart{min-height:240px}iframe.email{width:100%;height:34rem;border:1px solid var(--line);border-radius:6px;background:#fff}
.frames{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}.frame{margin:0}.frame.phone iframe{width:375px;height:44rem}
.frame.desktop{flex:1 1 auto;min-width:0}.frame.desktop iframe{min-width:40rem;height:44rem}td code{overflow-wrap:anywhere}
.wrap{overflow-wrap:anywhere}h1.url-title{font-size:1.15rem}.alert{border-left:4px solid var(--bad);background:#fde8e8;padding:.6rem 1rem;border-radius:6px;margin:.5rem 0}
.secret{border:2px solid var(--brand);background:#e4f2ec}.secret code{display:block;font-size:14px;padding:.5rem;background:#fff;border-radius:6px;overflow-wrap:anywhere;user-select:all}
fieldset{border:1px solid var(--line);border-radius:8px;padding:.5rem .9rem;margin:0 0 .75rem;min-width:0}legend{font-weight:600;padding:0 .3rem}
.field{display:flex;flex-direction:column;gap:.2rem;margin:0 0 .75rem;font-weight:600}.field input{font-weight:400;max-width:40rem}
.check{display:grid;grid-template-columns:auto 1fr;gap:.1rem .5rem;align-items:start;margin:.3rem 0;font-weight:400}.check .small{grid-column:2}
.error{color:var(--bad);font-weight:600}.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}ol.attempts{margin:0;padding-left:1.1rem}ol.attempts li{margin-bottom:.35rem}ol.attempts pre{margin:.2rem 0 0;max-height:8rem}
/* A phone (issue 18): wide tables scroll inside their card (.card above), nothing widens the page. */
@media (max-width:40rem){
header{padding:.5rem .75rem;gap:.4rem 1rem}header nav{gap:.25rem .9rem}main{padding:1rem .75rem 2rem}.card{padding:.75rem}
.funnel .row{grid-template-columns:1fr auto;gap:.15rem .75rem}.funnel .bar{grid-column:1/-1;grid-row:2}
.timeline li{grid-template-columns:1fr;gap:0}th,td{padding:.35rem .45rem}
.seq-paths li{grid-template-columns:1fr auto;gap:0 .5rem}.seq-paths li>span[aria-hidden]{display:none}.kpi .value{font-size:1.6rem}input,select{max-width:100%}
}
`;

/** Every admin page's head; `refresh` sends the browser on to the dashboard at once. */
export const AdminHead: FC<{ title: string; css: string; refresh?: boolean | undefined }> = ({ title, css, refresh }) => (
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    {refresh ? <meta http-equiv="refresh" content="0;url=/admin" /> : null}
    <title>{title}</title>
    <style>{css}</style>
  </head>
);

export const AdminPage: FC<PropsWithChildren<{ title: string; path: string; clinicName: string }>> = ({ title, path, clinicName, children }) => (
  <html lang="en">
    <AdminHead title={`${title} · ${clinicName} admin`} css={CSS} />
    <body>
      <header>
        <span class="brand">{clinicName} · admin</span>
        <nav aria-label="Admin">
          {NAV.map(([href, label]) => (
            <a href={href} aria-current={path === href || (href !== "/admin" && path.startsWith(href)) ? "page" : undefined}>
              {label}
            </a>
          ))}
          <a href="/metrics">Metrics</a>
        </nav>
        <form method="post" action="/admin/logout">
          <button class="secondary" type="submit">Log out</button>
        </form>
      </header>
      <main>{children}</main>
    </body>
  </html>
);

export const fmt = (n: number) => n.toLocaleString("en-US");
export const pct = (part: number, whole: number) => (whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : "–");
export const when = (d: Date | string | null | undefined) =>
  d ? new Date(d).toISOString().replace("T", " ").slice(0, 16) + " UTC" : "–";

/** The message a page shows after an action (the redirect's ?done=…&ok=…). */
export interface Flash {
  ok: boolean;
  message: string;
}

/** What a page says after an action: its redirect carries ?done=ACTION&ok=0|1, never free text. */
export function flashFrom(query: (name: string) => string | undefined, said: Record<string, { ok: string; failed: string }>) {
  const done = query("done");
  if (!done || !Object.hasOwn(said, done)) return undefined;
  const ok = query("ok") === "1";
  return { ok, message: said[done]![ok ? "ok" : "failed"] } satisfies Flash;
}

export const FlashLine: FC<{ flash: Flash | undefined }> = ({ flash }) =>
  flash ? (
    <p class={`flash${flash.ok ? "" : " bad"}`} role="status">
      {flash.message}
    </p>
  ) : null;

/** A header cell; `{ n: label }` is a number column, right-aligned. */
type Column = Child | { n: Child };
export const numeric = (...labels: Child[]): Column[] => labels.map((n) => ({ n }));

export const TableHead: FC<{ cols: Column[] }> = ({ cols }) => (
  <thead>
    <tr>
      {cols.map((col) =>
        typeof col === "object" && col !== null && "n" in col ? <th class="n">{col.n}</th> : <th>{col}</th>,
      )}
    </tr>
  </thead>
);

/** One line of a two-column record table: the name, then the value. */
export const KeyRow: FC<PropsWithChildren<{ name: string }>> = ({ name, children }) => (
  <tr>
    <th>{name}</th>
    <td>{children}</td>
  </tr>
);

export const BackLink: FC<{ href: string; label: string }> = ({ href, label }) => (
  <p class="small">
    <a href={href}>← {label}</a>
  </p>
);

/** The filter forms' reset; shown only while a filter is set. */
export const ClearLink: FC<{ href: string; shown: unknown }> = ({ href, shown }) =>
  shown ? (
    <a class="button secondary" href={href}>
      Clear
    </a>
  ) : null;

/** The next page of a list, newest first; none after the last. */
export const OlderLink: FC<{ href: string | undefined }> = ({ href }) =>
  href ? (
    <p>
      <a href={href}>Older →</a>
    </p>
  ) : null;
