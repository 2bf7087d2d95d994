/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { FC, PropsWithChildren } from "hono/jsx";
import { CONSENT_WORDING } from "../campaign/consent.js";

/**
 * The reader's pages, server-rendered with hono/jsx: no external assets, works without
 * JavaScript. (The full landing page is the guide issue's; this is the working minimum.)
 */
const Page: FC<PropsWithChildren<{ title: string }>> = ({ title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title}</title>
      <style>{`body{font:16px/1.6 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1f2933}
label{display:block;margin-top:1rem;font-weight:600}input{font:inherit;width:100%;padding:.6rem;border:1px solid #52606d;border-radius:6px;box-sizing:border-box}
button{margin-top:1.25rem;font:inherit;font-weight:600;padding:.75rem 1.25rem;border:0;border-radius:6px;background:#0b6e4f;color:#fff;cursor:pointer}
button:focus,input:focus{outline:3px solid #f0b429;outline-offset:2px}.hp{position:absolute;left:-10000px}.small{font-size:.875rem;color:#52606d}`}</style>
    </head>
    <body>
      <main>{children}</main>
    </body>
  </html>
);

export function pageRoutes() {
  return new Hono()
    .get("/", (c) =>
      c.html(
        <Page title="Download the Free Flare-Up Reset Guide">
          <h1>Download the Free Flare-Up Reset Guide</h1>
          <p>
            Simple strategies that may help calm pain flare-ups and help you return to movement with more confidence.
          </p>
          <form method="post" action="/api/subscribe">
            <label for="email">Email address</label>
            <input id="email" name="email" type="email" autocomplete="email" required maxlength={254} />
            <label for="firstName">First name (optional)</label>
            <input id="firstName" name="firstName" type="text" autocomplete="given-name" maxlength={100} />
            <div class="hp" aria-hidden="true">
              <label for="website">Leave this empty</label>
              <input id="website" name="website" type="text" tabindex={-1} autocomplete="off" />
            </div>
            <input type="hidden" name="timezone" id="timezone" />
            <p class="small">{CONSENT_WORDING}</p>
            <button type="submit">Send me the guide</button>
          </form>
          <script>{`try{document.getElementById("timezone").value=Intl.DateTimeFormat().resolvedOptions().timeZone}catch(e){}`}</script>
        </Page>,
      ),
    )
    .get("/thanks", (c) =>
      c.html(
        <Page title="Check your inbox">
          <h1>Check your inbox</h1>
          <p>
            Your Flare-Up Reset Guide is on its way. The email holds your personal download link; if it is not there in
            a few minutes, look in your spam or promotions folder.
          </p>
          <p>Over the next week we will send a few short emails: common triggers, calming positions, a common mistake,
            and the signs that mean it is time to see a clinician.</p>
        </Page>,
      ),
    );
}
