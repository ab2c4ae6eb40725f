/**
 * Polls `check` until it returns a value other than undefined/false, or fails after `ms` naming `what`.
 * For waiting on jobs and other asynchronous work in tests without guessing a sleep.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  ms = 15_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
