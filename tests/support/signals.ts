import type { TestStack } from "./stack.js";
import { waitFor } from "./wait.js";

/** A person's browser, as Chrome on a phone says it (isbot: not a bot). */
export const BROWSER_UA =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

/**
 * Waits until every fetch of this reader's links is settled (src/signals/signals.ts: a person's
 * fetch counts once no later fetch can make it part of a burst, a few seconds on). The signal,
 * not a sleep: the settle statement has run for each of them.
 */
export async function waitSettled(stack: TestStack, subscriberId: string | null, timeoutMs = 15_000): Promise<void> {
  await waitFor(
    async () => {
      const [row] = await stack.deps.db.sql<{ n: number }[]>`
        select count(*)::int as n from link_visits
         where not settled and subscriber_id is not distinct from ${subscriberId}::uuid`;
      return row!.n === 0;
    },
    timeoutMs,
    "link fetches to settle",
  );
}

/**
 * Makes an email look delivered `seconds` ago (the reader opens it later): the early rule is about
 * that moment. Waits first for the worker to record it sent (the provider holds it a moment before).
 */
export async function sentSecondsAgo(stack: TestStack, deliveryId: number, seconds: number): Promise<void> {
  await waitFor(
    async () => (await stack.deps.db.sql`select 1 from deliveries where id = ${deliveryId} and sent_at is not null`).length === 1,
    10_000,
    "the email recorded as sent",
  );
  await stack.deps.db.sql`update deliveries set sent_at = now() - make_interval(secs => ${seconds}) where id = ${deliveryId}`;
}

/**
 * Opens a one-visit action link (a confirmation, a check-in answer) as a browser does: the GET
 * answers a page, and the page's script POSTs its form at once (src/pages/action-page.tsx). The
 * POST goes where the page's form says, with the headers a browser sends from our own page.
 * Returns both responses.
 */
export async function openActionLink(
  stack: Pick<TestStack, "app">,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ page: Response; answer: Response }> {
  const page = await stack.app.request(path, { headers: { "user-agent": BROWSER_UA, ...headers } });
  const html = await page.clone().text();
  const action = /<form method="post" action="([^"]+)" data-auto-submit/.exec(html)?.[1];
  if (!action) throw new Error(`no one-visit form on ${path} (status ${page.status})`);
  const answer = await stack.app.request(action.replaceAll("&amp;", "&"), {
    method: "POST",
    headers: { "user-agent": BROWSER_UA, "sec-fetch-site": "same-origin", ...headers },
  });
  return { page, answer };
}
