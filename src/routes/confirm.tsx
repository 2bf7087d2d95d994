/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { activate, type ActivationDeps } from "../campaign/activate.js";
import { clientAddress } from "../http/client-address.js";
import { verifyToken } from "../tokens.js";
import { PageShell } from "./page-shell.js";

export interface ConfirmDeps {
  activation: ActivationDeps;
  appSecret: string;
  clinicName: string;
  trustProxy: boolean;
}

/**
 * GET /confirm/:token — the double opt-in link. A valid click activates the subscriber, records
 * the confirmation's time, IP and user agent in the consent record, and starts the sequence
 * (welcome with the guide first). Clicking twice is harmless. A token that does not verify gets a
 * 400 page; an expired one (or a request already purged) a 410 page that points back to the form.
 */
export function confirmRoutes(deps: ConfirmDeps) {
  return new Hono().get("/confirm/:token", async (c) => {
    const check = verifyToken(deps.appSecret, c.req.param("token"), "confirm");
    const shell = { clinicName: deps.clinicName };
    if (!check.ok && check.reason === "expired") return c.html(<Expired {...shell} />, 410);
    if (!check.ok) {
      return c.html(
        <PageShell title="This link does not work" {...shell}>
          <h1>This link does not work</h1>
          <p>It may have been cut short when it was copied. Please open the link from the email again, or sign up again.</p>
          <p>
            <a href="/">Get the Flare-Up Reset Guide</a>
          </p>
        </PageShell>,
        400,
      );
    }
    const outcome = await activate(deps.activation, {
      subscriberId: check.subject,
      via: "confirm",
      ip: clientAddress(c, deps.trustProxy),
      userAgent: c.req.header("user-agent"),
    });
    if (outcome === "gone" || outcome === "not-requested") return c.html(<Expired {...shell} />, 410);
    if (outcome === "suppressed") {
      return c.html(
        <PageShell title="We cannot email this address" {...shell}>
          <h1>We cannot email this address</h1>
          <p>Our emails could not be delivered to this address before. Please contact the clinic to receive the guide.</p>
        </PageShell>,
      );
    }
    return c.html(
      <PageShell title="You are confirmed" {...shell}>
        <h1>Thank you — you are confirmed</h1>
        <p>
          Your Flare-Up Reset Guide is on its way: the email holds your personal download link. If it is not in your inbox
          in a few minutes, please look in your spam or promotions folder.
        </p>
      </PageShell>,
    );
  });
}

const Expired = ({ clinicName }: { clinicName: string }) => (
  <PageShell title="This link has expired" clinicName={clinicName}>
    <h1>This link has expired</h1>
    <p>Confirmation links work for a limited time. Please sign up again and we will send you a fresh one.</p>
    <p>
      <a href="/">Get the Flare-Up Reset Guide</a>
    </p>
  </PageShell>
);
