/** @jsxImportSource hono/jsx */
import type { FC, PropsWithChildren } from "hono/jsx";
import type { AuditListItem, FailureRow, OutboxEmailRow, OutboxListItem, UnprocessableEventRow } from "../../db/queries/admin.js";
import { AdminHead, AdminPage, BackLink, ClearLink, KeyRow, OlderLink, TableHead, when } from "./layout.js";

type FailuresPageProps = { failures: FailureRow[]; unprocessableEvents: UnprocessableEventRow[]; clinicName: string };

export const FailuresPage: FC<FailuresPageProps> = ({ failures, unprocessableEvents, clinicName }) => (
  <AdminPage title="Failures" path="/admin/failures" clinicName={clinicName}>
    <h1>Failed sends</h1>
    <div class="card">
      <p class="muted small">
        Deliveries the provider refused for good (a 4xx other than 429) or that kept failing through every retry, newest first.
      </p>
      <table>
        <TableHead cols={["When", "Step", "Subscriber", { n: "Attempts" }, "Error"]} />
        <tbody>
          {failures.map((f) => (
            <tr>
              <td class="small">{when(f.at)}</td>
              <td>{f.step}</td>
              <td>
                <a href={`/admin/subscribers/${f.subscriberId}`}>{f.email}</a>
              </td>
              <td class="n">{f.attempts}</td>
              <td>
                <code>{f.lastError ?? "(no error kept)"}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {failures.length === 0 ? <p class="muted">No failed sends.</p> : null}
    </div>
    <h2>Provider events we could not process</h2>
    <div class="card" id="unprocessable-events">
      <p class="muted small">
        Signed events from the provider that were stored but not acted on (text the database cannot hold, a date that is not one,
        nesting too deep). They were answered 200 so the provider does not retry them for days.
      </p>
      <table>
        <TableHead cols={["When", "Event id", "Why"]} />
        <tbody>
          {unprocessableEvents.map((e) => (
            <tr>
              <td class="small">{when(e.at)}</td>
              <td>
                <code>{e.providerEventId}</code>
              </td>
              <td>{e.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {unprocessableEvents.length === 0 ? <p class="muted">None.</p> : null}
    </div>
  </AdminPage>
);

type OutboxPageProps = { emails: OutboxListItem[]; next: number | undefined; q: string; transport: string; clinicName: string };

export const OutboxPage: FC<OutboxPageProps> = ({ emails, next, q, transport, clinicName }) => (
  <AdminPage title="Outbox" path="/admin/outbox" clinicName={clinicName}>
    <h1>Outbox</h1>
    <div class="card">
      <p class="muted small">
        {transport === "outbox"
          ? "No RESEND_API_KEY is set: every email is kept here instead of being sent. Newest first; open one to see it as a phone and a desktop show it."
          : "Emails go to Resend (RESEND_API_KEY is set); this list shows what the outbox kept before."}
      </p>
      <form class="filters" method="get" action="/admin/outbox" role="search">
        <label>
          To address contains
          <input type="search" name="q" value={q} size={30} placeholder="ana@example.com" />
        </label>
        <button type="submit">Search</button>
        <ClearLink href="/admin/outbox" shown={q} />
      </form>
    </div>
    <div class="card">
      <table id="outbox">
        <TableHead cols={["When", "Step", "To", "Subject"]} />
        <tbody>
          {emails.map((e) => (
            <tr data-id={String(e.id)}>
              <td class="small">{when(e.createdAt)}</td>
              <td>
                <span class="status">{e.step}</span>
              </td>
              <td>{e.to}</td>
              <td>
                <a href={`/admin/outbox/${e.id}`}>{e.subject}</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {emails.length === 0 ? <p class="muted">{q ? "No email to an address like that." : "The outbox is empty."}</p> : null}
      <OlderLink href={next === undefined ? undefined : `/admin/outbox?before=${next}${q ? `&q=${encodeURIComponent(q)}` : ""}`} />
    </div>
  </AdminPage>
);

export const OutboxEmailPage: FC<{ email: OutboxEmailRow; clinicName: string }> = ({ email, clinicName }) => (
  <AdminPage title={email.subject} path="/admin/outbox" clinicName={clinicName}>
    <BackLink href="/admin/outbox" label="Outbox" />
    <h1>{email.subject}</h1>
    {/* The email's own HTML is a separate response with CSP "sandbox", shown in sandboxed frames:
        it runs no script and gets no access to this origin, whatever it holds. Two widths, as
        readers see it: most open it on a phone (DESIGN.md: check every template at 320–600 px). */}
    <section class="card">
      <h2>As the reader sees it</h2>
      <div class="frames">
        <figure class="frame phone">
          <figcaption class="muted small">Phone, 375 px</figcaption>
          <iframe class="email" sandbox="" src={`/admin/outbox/${email.id}/html`} title="The email on a phone, 375 pixels wide"></iframe>
        </figure>
        <figure class="frame desktop">
          <figcaption class="muted small">Desktop</figcaption>
          <iframe class="email" sandbox="" src={`/admin/outbox/${email.id}/html`} title="The email on a desktop"></iframe>
        </figure>
      </div>
    </section>
    <section class="grid g2">
      <div class="card">
        <h2>Headers</h2>
        <table id="email-headers">
          <tbody>
            <KeyRow name="Step">
              <span class="status">{email.step}</span>
            </KeyRow>
            <KeyRow name="From">{email.from}</KeyRow>
            <KeyRow name="To">{email.to}</KeyRow>
            {email.replyTo ? <KeyRow name="Reply-To">{email.replyTo}</KeyRow> : null}
            <KeyRow name="Subject">{email.subject}</KeyRow>
            <KeyRow name="Kept">{when(email.createdAt)}</KeyRow>
            {Object.entries(email.headers).map(([name, value]) => (
              <KeyRow name={name}>
                <code>{value}</code>
              </KeyRow>
            ))}
            <KeyRow name="Tags">{email.tags.map((t) => `${t.name}=${t.value}`).join(", ")}</KeyRow>
            <KeyRow name="Idempotency key">
              <code>{email.idempotencyKey}</code>
            </KeyRow>
          </tbody>
        </table>
      </div>
      <div class="card">
        <h2>Plain text</h2>
        <pre id="email-text">{email.text}</pre>
      </div>
    </section>
  </AdminPage>
);

type AuditPageProps = { rows: AuditListItem[]; next: number | undefined; retentionDays: number; clinicName: string };

export const AuditPage: FC<AuditPageProps> = ({ rows, next, retentionDays, clinicName }) => (
  <AdminPage title="Audit" path="/admin/audit" clinicName={clinicName}>
    <h1>Admin actions</h1>
    <form method="post" action="/admin/logout-everywhere" class="card">
      <p>Lost a device, or shared the admin password? End every dashboard session, on every device (this one too).</p>
      <button class="secondary" type="submit">Log out everywhere</button>
    </form>
    <div class="card">
      <table>
        <TableHead cols={["When", "Who", "What", "Subscriber"]} />
        <tbody>
          {rows.map((r) => (
            <tr>
              <td class="small">{when(r.at)}</td>
              <td>
                {r.actor}
                {r.clientAddress ? <span class="muted small"> from {r.clientAddress}</span> : null}
              </td>
              <td>
                {r.action} <span class="muted small">{JSON.stringify(r.detail)}</span>
              </td>
              <td>{r.subscriberId ? <a href={`/admin/subscribers/${r.subscriberId}`}>open</a> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">
        Newest first; kept {retentionDays} days (AUDIT_RETENTION_DAYS). Refused logins and failed Bearer checks are counted in one row per
        client every 15 minutes.
      </p>
      <OlderLink href={next === undefined ? undefined : `/admin/audit?before=${next}`} />
    </div>
  </AdminPage>
);

const LOGIN_CSS = `body{font:16px/1.6 system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem;color:#1f2933}
label{display:block;margin-top:1rem;font-weight:600}input{font:inherit;width:100%;padding:.6rem;border:1px solid #52606d;border-radius:6px;box-sizing:border-box}
button{margin-top:1.25rem;font:inherit;font-weight:600;padding:.7rem 1.2rem;border:0;border-radius:6px;background:#0b6e4f;color:#fff;cursor:pointer}
.error{background:#fde8e8;padding:.6rem 1rem;border-radius:6px}.muted{color:#52606d;font-size:.875rem}input:focus,button:focus{outline:3px solid #f0b429;outline-offset:2px}
code{overflow-wrap:anywhere}`;

const DEV_LINK_REFUSED = {
  malformed: "This is not a login link.",
  "bad-signature": "This login link has been changed: it is not one this service printed.",
  expired: "This login link has expired.",
  used: "This login link has been used already (each one works once), or was printed before a restart.",
} as const;

/** The login pages' frame: no navigation, one small stylesheet. */
const LoginFrame: FC<PropsWithChildren<{ clinicName: string; refresh?: boolean }>> = ({ clinicName, refresh, children }) => (
  <html lang="en">
    <AdminHead title={`Log in · ${clinicName} admin`} css={LOGIN_CSS} refresh={refresh} />
    <body>
      <main>
        <h1>{clinicName} admin</h1>
        {children}
      </main>
    </body>
  </html>
);

/** The one-time development login link's landing (src/routes/admin-dev-login.tsx). */
type DevLoginPageProps = { ok: boolean; reason?: keyof typeof DEV_LINK_REFUSED; tokenFile: string; clinicName: string };

export const DevLoginPage: FC<DevLoginPageProps> = ({ ok, reason, tokenFile, clinicName }) => (
  <LoginFrame clinicName={clinicName} refresh={ok}>
    {ok ? (
      <p>
        You are logged in. <a href="/admin">Open the dashboard</a>.
      </p>
    ) : (
      <>
        <p class="error" role="alert">
          {DEV_LINK_REFUSED[reason ?? "malformed"]}
        </p>
        <p>
          Restart the service for a new link, or <a href="/admin/login">log in</a> with the development admin token kept in{" "}
          <code>{tokenFile}</code>.
        </p>
      </>
    )}
  </LoginFrame>
);

export const LoginPage: FC<{ next: string; error?: string; closed: boolean; clinicName: string }> = ({ next, error, closed, clinicName }) => (
  <LoginFrame clinicName={clinicName}>
    {closed ? (
      <p class="error">The admin is closed: set ADMIN_TOKEN (16 characters or more) and restart.</p>
    ) : (
      <form method="post" action="/admin/login">
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <input type="hidden" name="next" value={next} />
        <label for="password">Admin token</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required autofocus />
        <button type="submit">Log in</button>
        <p class="muted">The ADMIN_TOKEN this service runs with. The session lasts 12 hours.</p>
      </form>
    )}
  </LoginFrame>
);
