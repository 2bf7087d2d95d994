/** @jsxImportSource hono/jsx */
import type { FC, PropsWithChildren } from "hono/jsx";

/**
 * A small shell for the reader's one-off pages (unsubscribe, confirm): server-rendered, no
 * external assets, no JavaScript, no cookies — they must work from any mail client's browser.
 */
export const PageShell: FC<PropsWithChildren<{ title: string; clinicName: string }>> = ({ title, clinicName, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{`${title} · ${clinicName}`}</title>
      <style>{`body{font:16px/1.6 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1f2933}
h1{font-size:1.5rem;line-height:1.3}.brand{color:#2f6f6a;font-size:.8rem;font-weight:600;letter-spacing:.06em;text-transform:uppercase}
form{margin:1.25rem 0}button{font:inherit;font-weight:600;padding:.75rem 1.25rem;border:0;border-radius:6px;background:#0b6e4f;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0b6e4f;border:2px solid #0b6e4f}button:focus,a:focus{outline:3px solid #f0b429;outline-offset:2px}
.small{font-size:.875rem;color:#52606d}a{color:#0b6e4f}`}</style>
    </head>
    <body>
      <main>
        <p class="brand">{clinicName}</p>
        {children}
      </main>
    </body>
  </html>
);
