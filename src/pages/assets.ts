import { createHash } from "node:crypto";

/**
 * The reader's pages carry their only style sheet and script inline: no second request, nothing a
 * corporate proxy or ad blocker can strip. Both are constants, so the CSP allows exactly them by
 * hash (CSP Level 3 hash-source): no 'unsafe-inline', no per-request nonce, a cached page stays valid.
 */

/** Mobile-first: one column, then two from 56rem. Colours meet WCAG 2.2 AA contrast (≥ 4.5:1). */
export const PAGE_CSS = `
:root{--ink:#1f2d2b;--muted:#4f5e5b;--accent:#2f6f6a;--accent-dark:#245753;--accent-soft:#e7f1ef;
--paper:#fff;--page:#f4f7f6;--rule:#d3dfdc;--error:#b42318;--error-soft:#fdecea;--focus:#f0b429;--care:#8a2f17;
--care-soft:#fbefe8;color-scheme:light}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--page);color:var(--ink);font:1.0625rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--accent-dark);text-underline-offset:.15em}
a:hover{color:var(--ink)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:4px}
.skip{position:absolute;left:-10000px;top:0;background:var(--paper);padding:.5rem 1rem;z-index:10}
.skip:focus{left:1rem;top:1rem}
.wrap{max-width:68rem;margin:0 auto;padding:0 1.25rem}
.top{background:var(--accent);color:#fff}
.top .wrap{padding-top:1rem;padding-bottom:1rem}
.brand{margin:0;font-size:.8125rem;font-weight:700;letter-spacing:.08em;text-transform:uppercase;color:#e3f0ed}
.hero{background:var(--accent);color:#fff;padding:.5rem 0 2.5rem}
.hero h1{margin:0 0 .75rem;font-size:clamp(1.75rem,6vw,2.75rem);line-height:1.15;letter-spacing:-.01em}
.hero p{margin:0;max-width:40rem;font-size:1.1875rem;color:#eef6f4}
.hero p.meta{margin-top:.9rem;font-size:.9375rem;color:#dcedea}
.grid{display:grid;gap:1.5rem;grid-template-areas:"form" "inside";margin-top:-1.5rem;padding-bottom:2.5rem}
.card{background:var(--paper);border-radius:12px;box-shadow:0 1px 2px rgba(16,40,36,.08),0 8px 24px rgba(16,40,36,.08);padding:1.5rem}
.signup{grid-area:form}
.inside{grid-area:inside}
h2{margin:0 0 .75rem;font-size:1.375rem;line-height:1.3}
.inside ol{margin:0;padding:0;list-style:none;counter-reset:item}
.inside li{position:relative;padding:0 0 .9rem 2.5rem;counter-increment:item}
.inside li::before{content:counter(item);position:absolute;left:0;top:.05rem;width:1.75rem;height:1.75rem;border-radius:50%;background:var(--accent-soft);color:var(--accent-dark);font-weight:700;font-size:.9375rem;text-align:center;line-height:1.75rem}
.inside li strong{display:block}
.inside li span{color:var(--muted)}
.care{margin-top:1rem;background:var(--care-soft);border-left:4px solid var(--care);padding:.9rem 1rem;border-radius:6px}
.care p{margin:0}
.same-day{margin-top:1rem;background:#fdf6e3;border-left:4px dashed #7a5a00;padding:.9rem 1rem;border-radius:6px}
.same-day p{margin:0}
.field{margin-top:1rem}
label{display:block;font-weight:600;margin-bottom:.3rem}
.optional{font-weight:400;color:var(--muted)}
input[type=email],input[type=text]{display:block;width:100%;font:inherit;font-size:1.0625rem;padding:.7rem .8rem;min-height:2.9rem;border:2px solid #6b7b78;border-radius:8px;background:var(--paper);color:var(--ink)}
input[aria-invalid=true]{border-color:var(--error);background:var(--error-soft)}
.field-error{margin:.35rem 0 0;color:var(--error);font-weight:600;font-size:.9375rem}
.error-summary{border:2px solid var(--error);background:var(--error-soft);border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem}
.error-summary h3{margin:0 0 .25rem;font-size:1rem;color:var(--error)}
.error-summary p{margin:0}
button{display:block;width:100%;margin-top:1.25rem;font:inherit;font-size:1.125rem;font-weight:700;min-height:3rem;padding:.75rem 1.25rem;border:0;border-radius:8px;background:var(--accent);color:#fff;cursor:pointer}
button:hover{background:var(--accent-dark)}
button[disabled]{opacity:.75;cursor:progress}
.consent{margin:1rem 0 0;font-size:.9375rem;color:var(--muted)}
.privacy{margin:.75rem 0 0;font-size:.875rem;color:var(--muted)}
.hp{position:absolute!important;left:-10000px;width:1px;height:1px;overflow:hidden}
.notice{max-width:40rem;margin:2rem auto;padding:0 1.25rem}
.notice .card{padding:1.75rem}
.notice h1{margin:0 0 .75rem;font-size:1.75rem;line-height:1.2}
.notice form{margin:1.25rem 0 0}
.small{font-size:.9375rem;color:var(--muted)}
button.secondary{background:var(--paper);color:var(--accent-dark);border:2px solid var(--accent)}
button.secondary:hover{background:var(--accent-soft)}
.steps{padding-left:1.25rem}
.steps li{margin-bottom:.5rem}
.foot{border-top:1px solid var(--rule);color:var(--muted);font-size:.875rem;padding:1.5rem 0 2rem}
.foot p{margin:.25rem 0}
.embed{background:transparent}
.embed .card{box-shadow:none;border:1px solid var(--rule);padding:1.25rem}
.embed h2{font-size:1.25rem}
.embed p.lede{margin:0;color:var(--muted)}
@media (min-width:56rem){
.hero{padding:1rem 0 3.5rem}
.grid{grid-template-columns:1fr 26rem;grid-template-areas:"inside form";align-items:start}
.signup{position:sticky;top:1rem}
}
@media (prefers-reduced-motion:no-preference){button{transition:background-color .15s}}
`;

/**
 * Progressive enhancement only; the form works without it. It fills the hidden time zone from
 * the browser (so emails arrive at a sensible hour) and stops a double submit.
 */
export const PAGE_SCRIPT = `(function(){
var tz=document.getElementById("timezone");
try{if(tz&&!tz.value){tz.value=Intl.DateTimeFormat().resolvedOptions().timeZone||""}}catch(e){}
var form=document.querySelector("form[data-signup]");if(!form)return;
var button=form.querySelector("button[type=submit]");if(!button)return;var label=button.textContent;
form.addEventListener("submit",function(){button.disabled=true;button.textContent="Sending\\u2026"});
window.addEventListener("pageshow",function(){button.disabled=false;button.textContent=label});
})();`;

/**
 * The one-visit action pages (a confirmation, a check-in answer; src/pages/action-page.tsx): this
 * script posts the page's form once a browser shows it (the button does without scripts): no second
 * click for a person, nothing for a mail filter that only fetches (DESIGN.md invariant 9).
 */
export const AUTO_SUBMIT_SCRIPT = `(function(){
var form=document.querySelector("form[data-auto-submit]");if(!form)return;
var button=form.querySelector("button[type=submit]");if(button){button.disabled=true}
form.submit();
})();`;

function sha256Source(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

const STYLE_SOURCE = sha256Source(PAGE_CSS);
const SCRIPT_SOURCES = { page: sha256Source(PAGE_SCRIPT), "auto-submit": sha256Source(AUTO_SUBMIT_SCRIPT) };
/** Which of the two scripts a page carries: its policy allows that one only. */
export type PageScript = keyof typeof SCRIPT_SOURCES;

/** A small inline icon, so browsers do not ask for /favicon.ico (allowed by img-src data:). */
export const FAVICON =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2f6f6a"/>' +
      '<path d="M9 23c4-1 6-4 7-8s3-6 7-7" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round"/></svg>',
  );

/**
 * The policy for every reader page. `frameAncestors`: who may frame it (CSP Level 2; browsers then
 * ignore X-Frame-Options, HTML §7.1.9): ALLOWED_ORIGINS for the embeddable pages, else 'self'.
 */
export function contentSecurityPolicy(frameAncestors: readonly string[], script: PageScript = "page"): string {
  return [
    "default-src 'none'",
    `style-src ${STYLE_SOURCE}`,
    `script-src ${SCRIPT_SOURCES[script]}`,
    "img-src data:",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${frameAncestors.join(" ")}`,
  ].join("; ");
}
