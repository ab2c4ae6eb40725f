/** Recipients whose outcome is settled: anything but waiting (`pending`) or in flight (`sending`). */
const SETTLED = ['sent', 'failed', 'blocked', 'skipped', 'unknown', 'cancelled'] as const;

export interface Progress {
  done: number;
  total: number;
  /** 0–100, whole; 100 only when every recipient is settled. */
  percent: number;
}

/** How far a broadcast got, from its `stats` counters. */
export function broadcastProgress(stats: Record<string, number>): Progress {
  const total = stats.total ?? 0;
  const done = SETTLED.reduce((n, s) => n + (stats[s] ?? 0), 0);
  if (total <= 0) return { done, total: 0, percent: 0 };
  const percent = done >= total ? 100 : Math.min(99, Math.floor((done / total) * 100));
  return { done: Math.min(done, total), total, percent };
}
