import type { LightMyRequestResponse } from 'fastify';
import type { NotificationListenerOptions } from '../../src/jobs/notification-listener.ts';
import { SmtpSink } from '../fakes/smtp-sink.ts';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import type { FakeClock } from '../support/fake-clock.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { connectBot, newBot } from '../telegram/receiving.helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are free-form JSON here
export type Json = Record<string, any>;

let nextChat = 730_000_001;
let nextContact = 1;

/**
 * One app with a bot on the fake Telegram server and the SMTP sink as SMTP_URL, plus the calls notification tests make:
 * contacts with a Telegram identity and/or an email address, the trigger API, reading a notification with its log.
 */
export class NotificationWorld {
  private constructor(
    readonly app: TestApp,
    readonly tg: FakeTelegram,
    readonly bot: FakeBot,
    readonly sink: SmtpSink,
    readonly channelId: string,
    readonly token: string,
  ) {}

  /** `quietHours: true` keeps the default 22:00–09:00 for marketing; otherwise they are off, so tests pass at any hour. */
  static async start(
    opts: {
      clock?: FakeClock;
      env?: Record<string, string>;
      quietHours?: boolean;
      notificationListener?: NotificationListenerOptions;
    } = {},
  ): Promise<NotificationWorld> {
    const tg = await FakeTelegram.start({ enforceLimits: false });
    const sink = await SmtpSink.start();
    const app = await startTestApp({
      env: {
        TELEGRAM_API_ROOT: tg.apiRoot,
        SMTP_URL: sink.url,
        MAIL_FROM: 'school@example.com',
        PUBLIC_URL: 'https://sb.example.com',
        ...opts.env,
      },
      clock: opts.clock,
      notificationListener: opts.notificationListener,
    });
    const created = newBot(tg);
    const channelId = await connectBot(app, created.token);
    const token = await app.apiKeyWithRole('admin');
    if (!opts.quietHours) await app.services.ctx.repos.settings.set('notification_quiet_hours', null, null);
    return new NotificationWorld(app, tg, created.bot, sink, channelId, token);
  }

  async stop(): Promise<void> {
    await this.app?.stop();
    await this.tg?.stop();
    await this.sink?.close();
  }

  get db() {
    return this.app.services.ctx.db;
  }

  get repos() {
    return this.app.services.ctx.repos;
  }

  /** A contact; with `telegram` it gets an identity on the bot (its chat id returned), with `email` an address. */
  async contact(
    opts: {
      telegram?: boolean;
      email?: string;
      language?: string;
      timezone?: string;
      subscribed?: boolean;
    } = {},
  ): Promise<{ id: string; chatId: number | null; email: string | null }> {
    const n = nextContact++;
    const c = await this.repos.contacts.create({
      firstName: `Анна${n}`,
      email: opts.email ?? null,
      language: opts.language ?? 'ru',
      timezone: opts.timezone ?? null,
      subscribed: opts.subscribed ?? true,
    });
    let chatId: number | null = null;
    if (opts.telegram) {
      chatId = nextChat++;
      await this.repos.identities.create(c.id, this.channelId, String(chatId), new Date());
    }
    return { id: c.id, chatId, email: c.email };
  }

  call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    return this.app.http!.inject({
      method,
      url,
      headers: { ...bearer(this.token), ...headers },
      ...(payload !== undefined ? { payload: payload as Json } : {}),
    });
  }

  /** POST /api/v1/notifications, expecting 202. */
  async trigger(payload: Json, headers: Record<string, string> = {}): Promise<Json> {
    const res = await this.call('POST', '/api/v1/notifications', payload, headers);
    if (res.statusCode !== 202) throw new Error(`trigger: ${res.statusCode} ${res.body}`);
    return res.json();
  }

  /** GET /api/v1/notifications/:id (with its log). */
  async notification(id: string): Promise<Json> {
    const res = await this.call('GET', `/api/v1/notifications/${id}`);
    if (res.statusCode !== 200) throw new Error(`get: ${res.statusCode} ${res.body}`);
    return res.json();
  }

  /** Waits until the notification reaches one of `statuses` and returns it with its log. */
  async settled(
    id: string,
    statuses = ['sent', 'skipped', 'failed', 'digested'],
    ms = 15_000,
  ): Promise<Json> {
    const until = Date.now() + ms;
    for (;;) {
      const n = await this.notification(id);
      if (statuses.includes(n.status)) return n;
      if (Date.now() > until)
        throw new Error(`notification ${id} still ${n.status}: ${JSON.stringify(n.log)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Messages the bot sent to a chat. */
  sentTo(chatId: number) {
    return this.bot.sentTo(chatId).filter((c) => c.method === 'sendMessage');
  }
}
