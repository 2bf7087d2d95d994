/**
 * The one way tests wait: poll `check` every `everyMs` until it returns a truthy value (which
 * is returned), or fail after `timeoutMs` naming `what`. Wait for a positive signal, then
 * assert — never sleep and hope. Its own module so the fake provider (also run alone by the
 * bench) can use it without loading the app; tests import it from ./stack.js.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 5000,
  what = "condition",
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
