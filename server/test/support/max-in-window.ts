/**
 * The most timestamps (ms) inside any window of `windowMs`: two arrivals `windowMs` apart are in different windows, as
 * Telegram's (and the fake's) rolling one-second count treats them. For checking sends against rate limits.
 */
export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}
