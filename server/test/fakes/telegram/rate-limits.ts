import type { FakeLimits } from './types.ts';

/**
 * Telegram's documented sending limits (Bots FAQ): about 30 messages per second per bot, no more than one message per second
 * in a private chat ("short bursts may be allowed"), and no more than 20 messages per minute in a group. The burst a private chat
 * tolerates is modelled as a token bucket of `privateBurst` messages refilled at `privatePerSecond`: three messages may go at once,
 * after which the chat is held to one per second.
 */
export const TELEGRAM_LIMITS: FakeLimits = Object.freeze({
  botPerSecond: 30,
  paidBotPerSecond: 1000,
  privateBurst: 3,
  privatePerSecond: 1,
  groupPerMinute: 20,
});

/** Which limit refused a message and how many whole seconds to wait, as Telegram's retry_after. */
export interface LimitVerdict {
  readonly limit: 'bot' | 'private-chat' | 'group';
  readonly retryAfter: number;
}

/** Counts one bot's accepted messages and decides whether the next one is over a limit. */
export class BotLimiter {
  private readonly botWindow: number[] = [];
  private readonly groupWindows = new Map<string, number[]>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Builds a limiter for the given limits. */
  constructor(private readonly limits: FakeLimits) {}

  /**
   * Returns the verdict for `count` messages to chatId at `now` (ms), or null and counts them when they fit. `count` is what
   * the bot's 30/s sees (an album's items); `chatCount` what the chat's limits see (an album is one message there, as on Telegram,
   * which delivers an album of up to 10 to a user at once).
   */
  take(
    chatId: number | string,
    now: number,
    count = 1,
    chatCount = count,
    paid = false,
  ): LimitVerdict | null {
    const key = String(chatId);
    const isGroup = typeof chatId === 'string' || chatId < 0;
    // A paid broadcast message (allow_paid_broadcast) may go while the bot sent fewer than 1000 in the last second.
    const perSecond = paid ? this.limits.paidBotPerSecond : this.limits.botPerSecond;
    const botWait = windowWait(this.botWindow, now, 1000, perSecond, count);
    if (botWait > 0) return { limit: 'bot', retryAfter: seconds(botWait) };
    if (isGroup) {
      const win = this.groupWindows.get(key) ?? [];
      const wait = windowWait(win, now, 60_000, this.limits.groupPerMinute, chatCount);
      if (wait > 0) return { limit: 'group', retryAfter: seconds(wait) };
      for (let i = 0; i < chatCount; i++) win.push(now);
      this.groupWindows.set(key, win);
    } else {
      const rate = this.limits.privatePerSecond / 1000;
      const prev = this.buckets.get(key) ?? { tokens: this.limits.privateBurst, at: now };
      const tokens = Math.min(this.limits.privateBurst, prev.tokens + (now - prev.at) * rate);
      if (tokens < chatCount)
        return { limit: 'private-chat', retryAfter: seconds((chatCount - tokens) / rate) };
      this.buckets.set(key, { tokens: tokens - chatCount, at: now });
    }
    for (let i = 0; i < count; i++) this.botWindow.push(now);
    return null;
  }
}

/** Drops timestamps older than the window and returns how long (ms) until `count` more fit, 0 when they fit now. */
function windowWait(win: number[], now: number, windowMs: number, max: number, count: number): number {
  while (win.length > 0 && (win[0] as number) <= now - windowMs) win.shift();
  if (win.length + count <= max) return 0;
  const freeing = win[win.length + count - max - 1] as number;
  return Math.max(1, freeing + windowMs - now);
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
