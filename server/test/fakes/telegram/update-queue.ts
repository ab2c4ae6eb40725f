import { badRequest, type FakeUpdate, type Json, TelegramError, type WebhookState } from './types.ts';

/** Update types Telegram sends when allowed_updates was never given: everything except these opt-in kinds. */
const OPT_IN_UPDATES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

/** Webhook delivery tuning; Telegram's real backoff is minutes, tests want milliseconds. */
export interface DeliveryOptions {
  readonly retryDelayMs: number;
  readonly timeoutMs: number;
}

interface Waiter {
  wake: () => void;
  fail: (err: TelegramError) => void;
}

/** One bot's pending updates with getUpdates offset semantics, long polling, and in-order webhook delivery. */
export class UpdateQueue {
  private pending: Json[] = [];
  private nextId = 1000;
  private allowed: string[] = [];
  private waiter: Waiter | null = null;
  private delivering = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  /** The webhook set with setWebhook, or null in polling mode. */
  webhook: WebhookState | null = null;

  /** Builds a queue; `nowSeconds` stamps last_error_date. */
  constructor(
    private readonly delivery: DeliveryOptions,
    private readonly nowSeconds: () => number,
  ) {}

  /** Queues an update, assigning update_id when missing, and wakes a waiting poll or the webhook sender. */
  add(update: FakeUpdate): Json {
    const id = typeof update.update_id === 'number' ? update.update_id : this.nextId;
    this.nextId = Math.max(this.nextId, id + 1);
    const full: Json = { ...update, update_id: id };
    const kind = Object.keys(full).find((k) => k !== 'update_id') ?? '';
    // Telegram filters by allowed_updates when the update is created, not when it is fetched.
    const wanted = this.allowed.length > 0 ? this.allowed.includes(kind) : !OPT_IN_UPDATES.has(kind);
    if (!wanted) return full;
    this.pending.push(full);
    this.sync();
    this.waiter?.wake();
    if (this.webhook) void this.deliver();
    return full;
  }

  /** Updates not yet confirmed (getUpdates) or delivered (webhook). */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** getUpdates: confirms everything below offset, then answers at once or when an update arrives or the timeout passes. */
  async getUpdates(params: Json): Promise<Json[]> {
    if (this.webhook) {
      throw new TelegramError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = typeof params.offset === 'number' ? params.offset : 0;
    const limit = typeof params.limit === 'number' ? Math.min(100, Math.max(1, params.limit)) : 100;
    const timeout = typeof params.timeout === 'number' ? Math.max(0, params.timeout) : 0;
    if (Array.isArray(params.allowed_updates)) this.allowed = params.allowed_updates.map(String);
    if (offset < 0) this.pending = this.pending.slice(offset);
    else if (offset > 0) this.pending = this.pending.filter((u) => (u.update_id as number) >= offset);
    // A newer getUpdates ends an older one, as Telegram does when two instances poll the same bot.
    this.waiter?.fail(
      new TelegramError(
        409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      ),
    );
    if (this.pending.length === 0 && timeout > 0 && !this.stopped) await this.wait(timeout * 1000);
    return this.pending.slice(0, limit);
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        if (this.waiter === waiter) this.waiter = null;
      };
      const waiter: Waiter = {
        wake: () => {
          done();
          resolve();
        },
        fail: (err) => {
          done();
          reject(err);
        },
      };
      const timer = setTimeout(waiter.wake, ms);
      this.waiter = waiter;
    });
  }

  /** setWebhook: an empty url removes the webhook, as Telegram documents. */
  setWebhook(params: Json): void {
    const url = typeof params.url === 'string' ? params.url : '';
    if (params.drop_pending_updates === true) this.pending = [];
    if (url === '') {
      this.webhook = null;
      return;
    }
    if (!/^https?:\/\//.test(url)) throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    const secret =
      typeof params.secret_token === 'string' && params.secret_token !== '' ? params.secret_token : null;
    if (secret !== null && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      throw badRequest(
        'bad webhook: Webhook can be set up only with a secret token of 1-256 characters A-Z, a-z, 0-9, _ and -',
      );
    }
    if (Array.isArray(params.allowed_updates)) this.allowed = params.allowed_updates.map(String);
    this.webhook = {
      url,
      secretToken: secret,
      allowedUpdates: [...this.allowed],
      pendingUpdateCount: 0,
      delivered: 0,
    };
    this.sync();
    this.waiter?.wake();
    void this.deliver();
  }

  /** deleteWebhook: back to getUpdates mode. */
  deleteWebhook(params: Json): void {
    if (params.drop_pending_updates === true) this.pending = [];
    this.webhook = null;
  }

  /** getWebhookInfo's result object. */
  webhookInfo(): Json {
    const hook = this.webhook;
    const info: Json = {
      url: hook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.pending.length,
    };
    if (hook?.lastErrorDate !== undefined) {
      info.last_error_date = hook.lastErrorDate;
      info.last_error_message = hook.lastErrorMessage;
    }
    if (hook) {
      info.max_connections = 40;
      if (hook.allowedUpdates.length > 0) info.allowed_updates = hook.allowedUpdates;
    }
    return info;
  }

  /** Stops delivery and ends a waiting poll. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.waiter?.wake();
  }

  private sync(): void {
    if (this.webhook) this.webhook.pendingUpdateCount = this.pending.length;
  }

  /** Sends pending updates one at a time, oldest first; a failure keeps the update at the head and retries later. */
  private async deliver(): Promise<void> {
    if (this.delivering || this.stopped) return;
    this.delivering = true;
    try {
      while (!this.stopped && this.webhook && this.pending.length > 0) {
        const hook = this.webhook;
        const update = this.pending[0] as Json;
        const error = await this.post(hook, update);
        if (this.webhook !== hook) continue;
        if (error === null) {
          if (this.pending[0] === update) this.pending.shift();
          hook.delivered += 1;
          this.sync();
          continue;
        }
        hook.lastErrorDate = this.nowSeconds();
        hook.lastErrorMessage = error;
        this.retryTimer = setTimeout(() => void this.deliver(), this.delivery.retryDelayMs);
        return;
      }
    } finally {
      this.delivering = false;
    }
  }

  /** POSTs one update; answers null on 2xx, else the last_error_message Telegram would report. */
  private async post(hook: WebhookState, update: Json): Promise<string | null> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (hook.secretToken) headers['x-telegram-bot-api-secret-token'] = hook.secretToken;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(this.delivery.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return null;
      return `Wrong response from the webhook: ${res.status} ${res.statusText}`.trim();
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') return 'Read timeout expired';
      return 'Connection refused';
    }
  }
}
