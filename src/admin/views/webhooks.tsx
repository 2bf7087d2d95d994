/** @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { outcomeOf, type DeliveryOutcome, type EndpointListItem, type LoggedDelivery } from "../../db/queries/webhook-endpoints.js";
import { SUBSCRIBABLE_EVENT_TYPES, WEBHOOK_EVENT_TYPES, WEBHOOK_EVENT_TYPE_NAMES } from "../../notify/event-types.js";
import { AdminPage, BackLink, ClearLink, FlashLine, OlderLink, TableHead, type Flash, when } from "./layout.js";

/**
 * The outgoing webhooks' pages (issue 16): the endpoints with the form that adds one, and one
 * endpoint's delivery log. Everything a receiver answered is untrusted text: hono/jsx escapes it,
 * and no script runs here (ADMIN_CSP). The confirm steps are forms (a ticked box), not script.
 */

/** A secret shown this once: right after creation, or after a rotation. */
export interface ShownSecret {
  endpoint: EndpointListItem;
  secret: string;
  /** After a rotation: until when the old one keeps signing. */
  previousSecretUntil?: Date | undefined;
}

export interface EndpointForm {
  url: string;
  description: string;
  /** "all", or the ticked types. */
  scope: "all" | "some";
  events: string[];
  error?: { field: string; message: string } | undefined;
}

export const EMPTY_FORM: EndpointForm = { url: "", description: "", scope: "all", events: [] };

const SecretCard: FC<{ shown: ShownSecret }> = ({ shown }) => (
  <section class="card secret" aria-labelledby="secret-title">
    <h2 id="secret-title">{shown.previousSecretUntil ? "The new signing secret" : "The endpoint's signing secret"}</h2>
    <p>
      For <span class="wrap">{shown.endpoint.url}</span>. <strong>Copy it now: it is shown this once</strong> and cannot be read
      again (rotate it for a new one).
    </p>
    <code id="new-secret">{shown.secret}</code>
    {shown.previousSecretUntil ? (
      <p class="small">
        The old secret keeps signing every call too until {when(shown.previousSecretUntil)} (24 hours), so the receiver can switch
        over without refusing a call.
      </p>
    ) : (
      <p class="small">The receiver verifies each call with it (Standard Webhooks: the webhook-signature header).</p>
    )}
  </section>
);

const EventsList: FC<{ events: string[] | null }> = ({ events }) =>
  events === null ? (
    <span>every event</span>
  ) : (
    <span>
      {events.map((e, i) => (
        <>
          {i > 0 ? ", " : ""}
          <code>{e}</code>
        </>
      ))}
    </span>
  );

/** Why the endpoint is disabled, where an admin cannot miss it. */
const DisabledNotice: FC<{ endpoint: EndpointListItem }> = ({ endpoint }) =>
  endpoint.status === "disabled" ? (
    <div class="alert disabled-reason" role="note">
      <strong>Disabled{endpoint.disabledAt ? ` since ${when(endpoint.disabledAt)}` : ""}:</strong>{" "}
      {endpoint.disabledReason ?? "no reason was recorded"}. Nothing is sent to it; its pending calls are cancelled. Enable it, then
      replay what it missed.
    </div>
  ) : endpoint.failingSince ? (
    <p class="small">
      <span class="status failed">failing</span> every attempt has failed since {when(endpoint.failingSince)}; five days of that
      disables it.
    </p>
  ) : null;

const EndpointActions: FC<{ endpoint: EndpointListItem; onLog?: boolean }> = ({ endpoint, onLog = false }) => {
  const action = (name: string) => `/admin/webhooks/${endpoint.id}/${name}`;
  const disabled = endpoint.status === "disabled";
  return (
    <div class="actions">
      <form method="post" action={action("test")}>
        <button type="submit" disabled={disabled} aria-describedby={disabled ? `why-${endpoint.id}` : undefined}>
          Send a test
        </button>
      </form>
      {disabled ? (
        <form method="post" action={action("enable")}>
          <button type="submit">Enable</button>
        </form>
      ) : null}
      <form method="post" action={action("rotate-secret")}>
        <button class="secondary" type="submit">
          Rotate secret
        </button>
      </form>
      {onLog ? null : (
        <a class="button secondary" href={`/admin/webhooks/${endpoint.id}`}>
          Delivery log
        </a>
      )}
      {disabled ? (
        <span id={`why-${endpoint.id}`} class="small muted">
          Enable it to send a test.
        </span>
      ) : null}
    </div>
  );
};

const DeleteForm: FC<{ endpoint: EndpointListItem }> = ({ endpoint }) => (
  <form class="actions" method="post" action={`/admin/webhooks/${endpoint.id}/delete`} style="margin-top:.75rem">
    <label class="small">
      <input type="checkbox" name="confirm" value="yes" required /> Delete this endpoint and its delivery log
    </label>
    <button class="danger" type="submit">
      Delete
    </button>
  </form>
);

const EndpointCard: FC<{ endpoint: EndpointListItem }> = ({ endpoint }) => (
  <section class="card endpoint" data-id={endpoint.id} aria-labelledby={`endpoint-${endpoint.id}`}>
    <h3 id={`endpoint-${endpoint.id}`} class="wrap" style="margin:0 0 .4rem;font-size:1rem">
      {endpoint.url} <span class={`status ${endpoint.status}`}>{endpoint.status}</span>
    </h3>
    <DisabledNotice endpoint={endpoint} />
    <p class="small" style="margin:.3rem 0">
      Events: <EventsList events={endpoint.events} />
      {endpoint.description ? (
        <>
          <br />
          <span class="wrap">{endpoint.description}</span>
        </>
      ) : null}
      <br />
      <span class="muted">
        Added {when(endpoint.createdAt)}
        {endpoint.previousSecretUntil && endpoint.previousSecretUntil > new Date()
          ? ` · the previous secret signs until ${when(endpoint.previousSecretUntil)}`
          : ""}
      </span>
    </p>
    <EndpointActions endpoint={endpoint} />
    <DeleteForm endpoint={endpoint} />
  </section>
);

const fieldError = (form: EndpointForm, field: string) =>
  form.error?.field === field ? (
    <span id={`${field}-error`} class="error">
      {form.error.message}
    </span>
  ) : null;

const NewEndpointForm: FC<{ form: EndpointForm; allowPrivate: boolean }> = ({ form, allowPrivate }) => (
  <section class="card" aria-labelledby="add-title">
    <h2 id="add-title">Add an endpoint</h2>
    <form method="post" action="/admin/webhooks" novalidate>
      {form.error && !["url", "events", "description"].includes(form.error.field) ? (
        <p class="flash bad" role="alert">
          {form.error.message}
        </p>
      ) : null}
      <label class="field" for="url">
        URL
        <input
          id="url"
          name="url"
          type="url"
          value={form.url}
          required
          placeholder="https://hooks.example.com/flare-up"
          autofocus={form.error?.field === "url"}
          aria-invalid={form.error?.field === "url" ? "true" : undefined}
          aria-describedby={form.error?.field === "url" ? "url-error url-help" : "url-help"}
        />
        <span id="url-help" class="small muted" style="font-weight:400">
          {allowPrivate
            ? "https, or http and private addresses (WEBHOOK_ALLOW_PRIVATE_URLS is on)."
            : "https, at a public address: loopback and private addresses are refused."}
        </span>
        {fieldError(form, "url")}
      </label>
      <fieldset aria-describedby={form.error?.field === "events" ? "events-error" : undefined}>
        <legend>Events</legend>
        {fieldError(form, "events")}
        <label class="check">
          <input type="radio" name="scope" value="all" checked={form.scope === "all"} />
          <span>Every event, including any added later</span>
        </label>
        <label class="check">
          <input type="radio" name="scope" value="some" checked={form.scope === "some"} />
          <span>Only the ones ticked below</span>
        </label>
        {SUBSCRIBABLE_EVENT_TYPES.map((type) => (
          <label class="check">
            <input type="checkbox" name="events" value={type} checked={form.events.includes(type)} />
            <code>{type}</code>
            <span class="small muted">{WEBHOOK_EVENT_TYPES[type]}</span>
          </label>
        ))}
      </fieldset>
      <label class="field" for="description">
        Description (optional)
        <input
          id="description"
          name="description"
          type="text"
          maxlength={200}
          value={form.description}
          placeholder="Front desk CRM via Zapier"
          aria-invalid={form.error?.field === "description" ? "true" : undefined}
        />
        {fieldError(form, "description")}
      </label>
      <button type="submit">Add endpoint</button>
      <p class="small muted">
        Each call is a POST of JSON <code>{"{type, timestamp, data}"}</code>, signed the Standard Webhooks way; a failed call is tried
        again over about a day (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h).
      </p>
    </form>
  </section>
);

export const WebhooksPage: FC<{
  endpoints: EndpointListItem[];
  /** Events recorded and not yet handed to the endpoints. */
  waiting: number;
  form: EndpointForm;
  shown?: ShownSecret | undefined;
  flash?: Flash | undefined;
  allowPrivate: boolean;
  clinicName: string;
}> = ({ endpoints, waiting, form, shown, flash, allowPrivate, clinicName }) => (
  <AdminPage title="Webhooks" path="/admin/webhooks" clinicName={clinicName}>
    <h1>Outgoing webhooks</h1>
    <p class="muted small">
      Tell the clinic's other tools (a CRM, Zapier, Make, n8n) what happens: a signup, a download, a reader leaving. Each endpoint
      gets the events it asks for, signed, retried, and logged for 30 days.
    </p>
    <FlashLine flash={flash} />
    {shown ? <SecretCard shown={shown} /> : null}
    <section aria-labelledby="endpoints-title">
      <h2 id="endpoints-title">Endpoints</h2>
      {endpoints.length === 0 ? <p class="card muted">No endpoint yet: add one below.</p> : null}
      {waiting > 0 ? (
        <p class="small" role="status">
          {waiting.toLocaleString("en")} {waiting === 1 ? "event waits" : "events wait"} to be handed to the endpoints, at the pace they
          take calls: a burst of signups is sent on over the next minutes.
        </p>
      ) : null}
      {endpoints.map((e) => (
        <EndpointCard endpoint={e} />
      ))}
    </section>
    <NewEndpointForm form={form} allowPrivate={allowPrivate} />
  </AdminPage>
);

const OUTCOMES: DeliveryOutcome[] = ["delivered", "failed", "pending", "cancelled"];

const AttemptList: FC<{ delivery: LoggedDelivery }> = ({ delivery }) =>
  delivery.log.length === 0 ? (
    <span class="muted small">not tried yet</span>
  ) : (
    <ol class="attempts">
      {delivery.log.map((a) => (
        <li>
          <span class="small">
            {when(a.attemptedAt)} · <span class={`status ${a.outcome === "succeeded" ? "" : "failed"}`}>{a.outcome}</span>
            {a.status !== null ? ` · HTTP ${a.status}` : ""} · {a.durationMs} ms
          </span>
          {a.response ? <pre>{a.response}</pre> : null}
        </li>
      ))}
    </ol>
  );

/** A filter's drop-down: "any", then each value. */
const Choice: FC<{ label: string; name: string; values: readonly string[]; selected: string | undefined }> = (p) => (
  <label>
    {p.label}
    <select name={p.name}>
      <option value="">any</option>
      {p.values.map((v) => (
        <option value={v} selected={p.selected === v}>
          {v}
        </option>
      ))}
    </select>
  </label>
);

export const WebhookDetailPage: FC<{
  endpoint: EndpointListItem;
  deliveries: LoggedDelivery[];
  filter: { eventType: string | undefined; outcome: DeliveryOutcome | undefined };
  next: number | undefined;
  sinceDefault: string;
  flash?: Flash | undefined;
  clinicName: string;
}> = ({ endpoint, deliveries, filter, next, sinceDefault, flash, clinicName }) => {
  const disabled = endpoint.status === "disabled";
  const query = new URLSearchParams();
  if (filter.eventType) query.set("eventType", filter.eventType);
  if (filter.outcome) query.set("outcome", filter.outcome);
  return (
    <AdminPage title={`Webhook ${endpoint.url}`} path="/admin/webhooks" clinicName={clinicName}>
      <BackLink href="/admin/webhooks" label="Webhooks" />
      <h1 class="wrap url-title">
        {endpoint.url} <span class={`status ${endpoint.status}`}>{endpoint.status}</span>
      </h1>
      <FlashLine flash={flash} />
      <DisabledNotice endpoint={endpoint} />
      <p class="small">
        Events: <EventsList events={endpoint.events} />
        {endpoint.description ? (
          <>
            {" "}
            · <span class="wrap">{endpoint.description}</span>
          </>
        ) : null}
      </p>
      <section class="card" aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        <EndpointActions endpoint={endpoint} onLog />
        <form class="filters" method="post" action={`/admin/webhooks/${endpoint.id}/replay-failures`} style="margin-top:.75rem">
          <label>
            Replay every failed or cancelled call since (UTC)
            <input type="datetime-local" name="since" value={sinceDefault} required />
          </label>
          <button class="secondary" type="submit" disabled={disabled}>
            Replay failures
          </button>
        </form>
      </section>
      <section class="card" aria-labelledby="log-title">
        <h2 id="log-title">Delivery log</h2>
        <form class="filters" method="get" action={`/admin/webhooks/${endpoint.id}`} role="search" aria-label="Filter the log">
          <Choice label="Event type" name="eventType" values={WEBHOOK_EVENT_TYPE_NAMES} selected={filter.eventType} />
          <Choice label="Outcome" name="outcome" values={OUTCOMES} selected={filter.outcome} />
          <button type="submit">Filter</button>
          <ClearLink href={`/admin/webhooks/${endpoint.id}`} shown={filter.eventType || filter.outcome} />
        </form>
        <table id="deliveries">
          <TableHead cols={["Call", "Event", "Outcome", "Attempts: time, result, status, duration, answer", <span class="sr-only">Replay</span>]} />
          <tbody>
            {deliveries.map((d) => {
              const outcome = outcomeOf(d.state);
              return (
              <tr data-id={String(d.id)}>
                <td class="small">
                  #{d.id}
                  <br />
                  {when(d.createdAt)}
                </td>
                <td>
                  <code>{d.eventType}</code>
                  <br />
                  <code class="small muted">{d.messageId}</code>
                </td>
                <td>
                  <span class={`status ${outcome}`}>{outcome}</span>
                  {outcome === "pending" && d.log.length > 0 ? <div class="small muted">next try {when(d.dueAt)}</div> : null}
                </td>
                <td>
                  <AttemptList delivery={d} />
                </td>
                <td>
                  {outcome !== "pending" ? (
                    <form method="post" action={`/admin/webhook-deliveries/${d.id}/replay`}>
                      <button class="secondary" type="submit" disabled={disabled} aria-label={`Replay call ${d.id}`}>
                        Replay
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
              );
            })}
          </tbody>
        </table>
        {deliveries.length === 0 ? <p class="muted">No calls{filter.eventType || filter.outcome ? " match these filters" : " yet"}.</p> : null}
        <OlderLink
          href={next === undefined ? undefined : `/admin/webhooks/${endpoint.id}?${new URLSearchParams([...query, ["before", String(next)]]).toString()}`}
        />
      </section>
      <section class="card" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete</h2>
        <DeleteForm endpoint={endpoint} />
      </section>
    </AdminPage>
  );
};
