/** @jsxImportSource hono/jsx */
import { Hono, type Context } from "hono";
import { bodyLimit } from "../http/body-limit.js";
import { activate, type ActivationDeps, type ActivationOutcome } from "../campaign/activate.js";
import { unsubscribe, unsubscribePageState, type UnsubscribePageState } from "../campaign/unsubscribe.js";
import { clientAddress } from "../http/client-address.js";
import { ApiError } from "../http/errors.js";
import { verifyToken } from "../tokens.js";
import { PageShell } from "./page-shell.js";

export interface UnsubscribeDeps {
  activation: ActivationDeps;
  appSecret: string;
  clinicName: string;
  trustProxy: boolean;
}

/** A one-click POST carries `List-Unsubscribe=One-Click` (RFC 8058 §3.1); a few hundred bytes at most. */
const MAX_BODY_BYTES = 8 * 1024;

/**
 * Leaving, as RFC 8058 and the Gmail/Yahoo bulk-sender rules want it:
 *  - GET /unsubscribe/:token shows one button and changes nothing: link scanners and prefetchers
 *    follow GETs, so a GET must never unsubscribe (RFC 8058 §4 is why the one-click is a POST).
 *  - POST /unsubscribe/:token is the one-click: the mail client POSTs `List-Unsubscribe=One-Click`
 *    with no cookies and no JavaScript; the signed token is the only credential. It answers 200
 *    and is idempotent. Our own button posts here too.
 *  - POST /unsubscribe/:token/resubscribe is the undo: it restarts nothing already sent, and is
 *    recorded as a consent event.
 * A token that does not verify gets a 400 page. Unsubscribe tokens never expire.
 */
export function unsubscribeRoutes(deps: UnsubscribeDeps) {
  const sql = deps.activation.sql;
  const subscriberOf = (token: string) => {
    const check = verifyToken(deps.appSecret, token, "unsubscribe");
    return check.ok ? check.subject : undefined;
  };
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError("payload_too_large", "The request body must be at most 8 KB.");
    },
  });

  return new Hono()
    .get("/unsubscribe/:token", async (c) => {
      const token = c.req.param("token");
      const subscriberId = subscriberOf(token);
      if (!subscriberId) return c.html(<InvalidLink clinicName={deps.clinicName} />, 400);
      const state = await unsubscribePageState(sql, subscriberId);
      return c.html(<UnsubscribePage state={state} token={token} clinicName={deps.clinicName} />);
    })
    .post("/unsubscribe/:token", limit, async (c) => {
      const token = c.req.param("token");
      const subscriberId = subscriberOf(token);
      if (!subscriberId) return c.html(<InvalidLink clinicName={deps.clinicName} />, 400);
      const form = await readForm(c.req.raw);
      // The body is not required: a client that posts without it still means "unsubscribe".
      const via = form?.get("from") === "page" ? "page" : "one-click";
      await unsubscribe(sql, { subscriberId, via, ...who(c, deps.trustProxy) });
      const state = await unsubscribePageState(sql, subscriberId);
      return c.html(<UnsubscribePage state={state === "subscribed" ? "unsubscribed" : state} token={token} clinicName={deps.clinicName} />, 200);
    })
    .post("/unsubscribe/:token/resubscribe", limit, async (c) => {
      const token = c.req.param("token");
      const subscriberId = subscriberOf(token);
      if (!subscriberId) return c.html(<InvalidLink clinicName={deps.clinicName} />, 400);
      const outcome = await activate(deps.activation, { subscriberId, via: "resubscribe", ...who(c, deps.trustProxy) });
      return c.html(<ResubscribedPage outcome={outcome} token={token} clinicName={deps.clinicName} />);
    });
}

function who(c: Context, trustProxy: boolean) {
  return { ip: clientAddress(c, trustProxy), userAgent: c.req.header("user-agent") };
}

/** Reads a form body if there is one; anything unreadable counts as no body (never an error). */
async function readForm(request: Request): Promise<FormData | undefined> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data") return undefined;
  try {
    return await request.formData();
  } catch {
    return undefined;
  }
}

const InvalidLink = ({ clinicName }: { clinicName: string }) => (
  <PageShell title="This link does not work" clinicName={clinicName}>
    <h1>This link does not work</h1>
    <p>
      It may have been cut short when it was copied. Please use the “Unsubscribe” link at the bottom of any email from
      us, or your mail app's unsubscribe button — or simply reply to one of our emails and we will take you off the list.
    </p>
  </PageShell>
);

const UnsubscribePage = ({ state, token, clinicName }: { state: UnsubscribePageState; token: string; clinicName: string }) => {
  if (state === "subscribed") {
    return (
      <PageShell title="Unsubscribe" clinicName={clinicName}>
        <h1>Unsubscribe from the Flare-Up Reset emails?</h1>
        <p>One click and you will not receive any more emails from {clinicName}.</p>
        <form method="post" action={`/unsubscribe/${token}`}>
          <input type="hidden" name="List-Unsubscribe" value="One-Click" />
          <input type="hidden" name="from" value="page" />
          <button type="submit">Unsubscribe</button>
        </form>
      </PageShell>
    );
  }
  if (state === "unsubscribed") {
    return (
      <PageShell title="You are unsubscribed" clinicName={clinicName}>
        <h1>You are unsubscribed</h1>
        <p>You will not receive any more emails from {clinicName}. Your guide link keeps working.</p>
        <form method="post" action={`/unsubscribe/${token}/resubscribe`}>
          <p class="small">
            Changed your mind? The series picks up where it stopped; nothing you already received is sent again.
          </p>
          <button type="submit" class="secondary">
            Resubscribe
          </button>
        </form>
      </PageShell>
    );
  }
  return (
    <PageShell title="You are unsubscribed" clinicName={clinicName}>
      <h1>You are unsubscribed</h1>
      <p>You will not receive any emails from {clinicName} at this address.</p>
      {state === "suppressed" ? (
        <p class="small">Our emails could not be delivered to this address. To hear from us again, please contact the clinic.</p>
      ) : null}
    </PageShell>
  );
};

const ResubscribedPage = ({ outcome, token, clinicName }: { outcome: ActivationOutcome; token: string; clinicName: string }) => {
  if (outcome === "activated" || outcome === "already") {
    return (
      <PageShell title="Welcome back" clinicName={clinicName}>
        <h1>Welcome back</h1>
        <p>You are subscribed again. The series picks up where it stopped; nothing you already received is sent again.</p>
        <form method="post" action={`/unsubscribe/${token}`}>
          <input type="hidden" name="List-Unsubscribe" value="One-Click" />
          <input type="hidden" name="from" value="page" />
          <button type="submit" class="secondary">
            Unsubscribe again
          </button>
        </form>
      </PageShell>
    );
  }
  return <UnsubscribePage state={outcome === "suppressed" ? "suppressed" : "gone"} token={token} clinicName={clinicName} />;
};
