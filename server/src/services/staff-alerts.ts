import { ChannelRejectedError } from '../channels/errors.ts';
import { escapeHtml } from '../channels/telegram/telegram.html.ts';
import type { StaffAlertKind } from '../db/schema.coupons.ts';
import type { Role } from '../db/schema.ts';
import type { JobMap } from '../jobs/job-map.ts';
import type { Repos } from '../repositories/index.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import type { StaffLang } from './staff-bot.texts.ts';

/** An alert: its kind (each can be muted per person), the text (one, or per language), who gets it. */
export interface StaffAlert {
  kind: StaffAlertKind;
  /** Plain text (escaped here); per language when the sender has both. */
  text: string | Record<StaffLang, string>;
  /** Default: owner and admin. */
  roles?: Role[];
}

const ICON: Record<StaffAlertKind, string> = {
  waiting: '⏳',
  broadcast_paused: '⏸',
  channel_error: '⚠️',
  daily_report: '📊',
  automation: '🤖',
};
/** Channel errors repeat every few seconds while a bot is down: one alert per channel per this many minutes. */
const CHANNEL_ERROR_EVERY_MINUTES = 60;
/** Broadcast pauses and channel errors older than this are not news (the first sweep after an upgrade stays quiet). */
const LOOK_BACK_MINUTES = 10;

/**
 * Alerts to staff in Telegram. `notify` picks the linked, active users with the roles who have not muted the kind and
 * queues one `staff_bot.send` job each (in the caller's transaction when given), through the staff bot the person linked
 * through, else the oldest active staff bot. The per-minute `sweep` raises the product's own alerts: conversations waiting
 * longer than STAFF_ALERT_WAITING_MINUTES, broadcasts paused with a reason, channel errors; each occurrence once
 * (staff_alerts_sent), whichever worker runs it.
 */
export class StaffAlertsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly adapters: TelegramAdapters,
  ) {}

  /** Queues the alert to every recipient; returns how many staff it will reach (0 without a staff bot). */
  async notify(alert: StaffAlert, r?: Repos): Promise<number> {
    if (r) return this.queue(r, alert);
    return inTransaction(this.ctx, (tx) => this.queue(tx, alert));
  }

  private async queue(r: Repos, alert: StaffAlert): Promise<number> {
    const bots = await r.staff.staffBotChannels();
    if (bots.length === 0) return 0;
    const members = await r.staff.alertRecipients(alert.roles ?? ['owner', 'admin'], alert.kind);
    let reached = 0;
    for (const m of members) {
      const channel = bots.find((b) => b.id === m.channelId) ?? bots[0]!;
      const text = typeof alert.text === 'string' ? alert.text : alert.text[m.user.locale];
      await r.jobs.add(
        'staff_bot.send',
        { channelId: channel.id, chatId: m.telegramUserId, html: `${ICON[alert.kind]} ${escapeHtml(text)}` },
        { queueName: `staff-bot:${channel.id}:${m.telegramUserId}`, maxAttempts: 5 },
      );
      reached += 1;
    }
    return reached;
  }

  /** The `staff_bot.send` job: a refusal (the person blocked the bot) is logged and dropped; the rest is retried. */
  async send(job: JobMap['staff_bot.send']): Promise<void> {
    const channel = await this.ctx.repos.channels.get(job.channelId);
    if (channel?.status !== 'active' || !channel.staffBot) return;
    try {
      await this.adapters
        .forChannel(channel, 'interactive')
        .send({ chatExternalId: job.chatId, html: job.html });
    } catch (err) {
      if (!(err instanceof ChannelRejectedError)) throw err;
      this.ctx.log.warn({ err, channelId: channel.id }, 'staff alert refused by Telegram');
    }
  }

  /** The `staff_alerts.sweep` cron job. */
  async sweep(): Promise<void> {
    const now = this.ctx.clock.now();
    const r = this.ctx.repos;
    if ((await r.staff.staffBotChannels()).length === 0) return;
    const since = new Date(now.getTime() - LOOK_BACK_MINUTES * 60_000);
    const minutes = this.ctx.config.staffAlertWaitingMinutes;
    if (minutes > 0)
      for (const c of await r.staff.waitingLongerThan(minutes, now, 50)) {
        const waited = Math.round((now.getTime() - (c.waitingSince as Date).getTime()) / 60_000);
        const who = c.contactName ?? c.title ?? c.id;
        await this.once(`waiting:${c.id}:${(c.waitingSince as Date).getTime()}`, {
          kind: 'waiting',
          text: {
            ru: `Клиент ${who} ждёт ответа ${waited} мин.\n${this.link(`/inbox/${c.id}`)}`,
            en: `${who} has been waiting ${waited} min for an answer.\n${this.link(`/inbox/${c.id}`)}`,
          },
        });
      }
    for (const b of await r.staff.pausedBroadcastsSince(since))
      await this.once(`broadcast_paused:${b.id}:${b.updatedAt.getTime()}`, {
        kind: 'broadcast_paused',
        text: {
          ru: `Рассылка «${b.title}» приостановлена: ${b.statusReason}`,
          en: `Broadcast "${b.title}" was paused: ${b.statusReason}`,
        },
      });
    for (const c of await r.staff.channelErrorsSince(since)) {
      const bucket = Math.floor((c.lastErrorAt as Date).getTime() / (CHANNEL_ERROR_EVERY_MINUTES * 60_000));
      await this.once(`channel_error:${c.id}:${bucket}`, {
        kind: 'channel_error',
        text: {
          ru: `Ошибка канала «${c.name}»: ${c.lastError}`,
          en: `Channel "${c.name}" error: ${c.lastError}`,
        },
      });
    }
  }

  /** Sends the alert if `key` has not been alerted yet, atomically with recording that it was. */
  private async once(key: string, alert: StaffAlert): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      if (await r.staff.markAlertSent(key)) await this.queue(r, alert);
    });
  }

  private link(path: string): string {
    return `${this.ctx.config.publicUrl}${path}`;
  }
}
