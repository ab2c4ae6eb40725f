import type { OutgoingAttachment } from '../channels/channel.ts';
import { ChannelRejectedError } from '../channels/errors.ts';
import type {
  Contact,
  Notification,
  NotificationChannelKind,
  NotificationStatus,
  NotificationType,
  TemplateRow,
} from '../db/schema.ts';
import type { QuietHours } from './broadcast-timing.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import type { EmailSenders } from './email-senders.ts';
import { emailMessage, telegramMessage } from './notification-message.ts';
import { decideChannels, quietUntil } from './notification-preferences.ts';
import { DELIVERY_MAX_ATTEMPTS } from './notification-trigger.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import { preferenceLinks } from './preference-links.ts';
import { SETTINGS } from './settings.service.ts';
import type { RenderWorkspace } from './templates/types.ts';
import { TemplateError } from './templates/types.ts';
import type { TemplatesService } from './templates.service.ts';

/**
 * The `notifications.deliver` job: one notification, start to end.
 *
 * 1. Decide (one transaction, the row locked): preferences and rules as they are now, quiet hours (marketing waits for
 *    the morning: `delayed`, the job re-queued), throttling; then `sending` is committed BEFORE any request.
 * 2. Send through the channels in order. A permanent failure (blocked bot, 5xx address, no identity, no template) falls
 *    back to the next channel, logged as `fallback`; a transient one (network, 4xx, 429) puts the notification back to
 *    `queued` and throws, so graphile-worker retries with backoff; on the last attempt it fails instead.
 * A job that finds `sending` was interrupted mid-request: the message may have gone out, so it is failed as
 * `interrupted` and never sent again (the window of doubt, as for inbox messages).
 */

/** Attachment kinds a Telegram message can carry (as broadcasts send them). */
const SENDABLE = new Set(['photo', 'document', 'video', 'audio', 'voice']);

const DONE: ReadonlySet<NotificationStatus> = new Set(['sent', 'skipped', 'failed', 'digested']);

/** What phase 1 hands to phase 2. */
interface Plan {
  n: Notification;
  type: NotificationType;
  contact: Contact;
  channels: NotificationChannelKind[];
  /** The type's templates per channel kind, read with the row. */
  templates: Partial<Record<NotificationChannelKind, TemplateRow>>;
  /** The workspace as the templates see it, from the settings phase 1 read (read once per job). */
  workspace: RenderWorkspace;
}

type ChannelOutcome =
  | { ok: true; channelId: string | null; externalId: string }
  | { ok: false; reason: string };

/** A transient failure: retried by the job runner (the notification goes back to `queued`). */
function isTransient(err: unknown): boolean {
  return !(err instanceof ChannelRejectedError) && !(err instanceof TemplateError);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class NotificationDelivery {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly templates: TemplatesService,
    private readonly telegramAdapters: TelegramAdapters,
    private readonly emailSenders: EmailSenders,
  ) {}

  async deliver(notificationId: string, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    const plan = await this.decide(notificationId);
    if (!plan) return;
    const { n } = plan;
    let current: NotificationChannelKind | null = null;
    // Set once a channel accepted the message: from then on nothing may put it back in the queue (it would go twice).
    let delivered = false;
    try {
      const reasons: string[] = [];
      for (const [i, channel] of plan.channels.entries()) {
        current = channel;
        const outcome = await this.tryChannel(channel, plan, opts);
        if (outcome.ok) {
          delivered = true;
          await this.finish(n.id, 'sent', {
            channel,
            channelId: outcome.channelId,
            externalId: outcome.externalId,
          });
          return;
        }
        reasons.push(`${channel}: ${outcome.reason}`);
        const next = plan.channels[i + 1];
        // `permanent` marks the channel as done for this notification: a retry later does not try it again.
        await this.ctx.repos.notifications.log(
          n.id,
          'fallback',
          this.ctx.clock.now(),
          { from: channel, to: next ?? null, reason: outcome.reason, permanent: true },
          channel,
        );
      }
      await this.finish(n.id, 'failed', {
        reason: reasons.length ? reasons.join('; ') : 'every allowed channel failed before',
      });
    } catch (err) {
      // Recording the success failed: the row stays `sending`, so the retry fails it as interrupted, never resends.
      if (delivered || !isTransient(err)) throw err;
      const reason = message(err);
      if (opts.lastAttempt) {
        await this.finish(n.id, 'failed', { channel: current, reason: `gave up after retries: ${reason}` });
        return;
      }
      await inTransaction(this.ctx, async (r) => {
        const at = this.ctx.clock.now();
        await r.notifications.update(n.id, { status: 'queued', reason: `retrying: ${reason}` }, at);
        await r.notifications.log(n.id, 'retry', at, { reason }, current);
      });
      throw err;
    }
  }

  /** Phase 1: the rules, in one transaction with the row locked; null when there is nothing to send now. */
  private decide(id: string): Promise<Plan | null> {
    return inTransaction(this.ctx, async (r) => {
      const now = this.ctx.clock.now();
      // One statement: the row locked, with its type and templates, contact, preferences and settings (read as the job runs).
      const read = await r.notifications.forDelivery(id);
      if (!read || DONE.has(read.n.status)) return null;
      const { n, type, contact, settings } = read;
      const end = async (status: NotificationStatus, detail: Record<string, unknown>, reason: string) => {
        await r.notifications.update(id, { status, reason }, now);
        await r.notifications.log(id, status, now, detail);
        return null;
      };
      if (n.status === 'sending')
        return end(
          'failed',
          { reason: 'interrupted' },
          'interrupted while sending; it may have reached the contact, so it was not sent again',
        );
      if (!type) return end('failed', { reason: 'type_deleted' }, 'the notification type was deleted');
      if (!type.enabled) return end('skipped', { rule: 'type_disabled' }, 'skipped: the type is disabled');
      const prefs = read.preferences;
      const decision = decideChannels({
        type,
        subscribed: contact.subscribed,
        preferences: prefs ?? null,
        requested: n.channels,
      });
      if (!decision.allowed)
        return end('skipped', { rule: decision.rule }, `skipped: ${decision.rule.replaceAll('_', ' ')}`);
      // Only marketing waits for quiet hours.
      const hold =
        type.category === 'marketing' && !type.critical
          ? quietUntil(type, now, contact.timezone || defaultTimezone(settings), quietHours(settings))
          : null;
      if (hold) {
        await r.notifications.update(id, { status: 'delayed', reason: 'quiet hours' }, now);
        await r.notifications.log(id, 'delayed', now, { rule: 'quiet_hours', until: hold.toISOString() });
        await r.jobs.add(
          'notifications.deliver',
          { notificationId: id },
          { runAt: hold, maxAttempts: DELIVERY_MAX_ATTEMPTS },
        );
        return null;
      }
      if (type.throttleLimit && type.throttlePeriodSeconds) {
        await r.notifications.lockContactType(contact.id, type.id);
        const since = new Date(now.getTime() - type.throttlePeriodSeconds * 1000);
        const sent = await r.notifications.countSentSince(contact.id, type.id, since, id);
        if (sent >= type.throttleLimit)
          return end(
            'skipped',
            { rule: 'throttled', limit: type.throttleLimit, periodSeconds: type.throttlePeriodSeconds },
            `skipped: throttled (at most ${type.throttleLimit} per ${type.throttlePeriodSeconds} s)`,
          );
      }
      for (const { channel, rule } of decision.excluded)
        await r.notifications.log(id, 'skipped', now, { rule, channelOnly: true }, channel);
      // Channels that failed for good are logged only before a retry (reason set): a first attempt skips the read.
      const failed = new Set(n.reason === null ? [] : await r.notifications.failedChannels(id));
      await r.notifications.update(id, { status: 'sending', sendingAt: now, reason: null }, now);
      return {
        n,
        type,
        contact,
        channels: decision.channels.filter((c) => !failed.has(c)),
        templates: read.templates,
        workspace: this.templates.workspace(settings),
      };
    });
  }

  private async tryChannel(
    channel: NotificationChannelKind,
    plan: Plan,
    opts: { lastAttempt?: boolean },
  ): Promise<ChannelOutcome> {
    const template = plan.templates[channel];
    if (!template) return { ok: false, reason: `the type has no ${channel} template` };
    const items = await this.itemsOf(plan.n);
    try {
      return channel === 'telegram'
        ? await this.sendTelegram(plan, template, items)
        : await this.sendEmail(plan, template, items, opts);
    } catch (err) {
      if (err instanceof TemplateError) return { ok: false, reason: `template ${err.path}: ${err.message}` };
      if (err instanceof ChannelRejectedError) return { ok: false, reason: err.message };
      throw err;
    }
  }

  /** The events a message carries: the notification's data, or every event of the digest it carries. */
  private async itemsOf(n: Notification): Promise<Array<Record<string, unknown>>> {
    if (!n.digestId) return [n.data];
    const members = await this.ctx.repos.notificationDigests.members(n.digestId);
    const items = members.filter((m) => m.id === n.id || m.status === 'digested').map((m) => m.data);
    return items.length ? items : [n.data];
  }

  private async sendTelegram(
    plan: Plan,
    template: TemplateRow,
    items: Array<Record<string, unknown>>,
  ): Promise<ChannelOutcome> {
    const r = this.ctx.repos;
    const target = await r.notifications.telegramTarget(plan.contact.id);
    if (!target) return { ok: false, reason: 'no reachable Telegram identity on an active bot' };
    const { channel } = target;
    const msg = telegramMessage({
      template,
      contact: plan.contact,
      workspace: plan.workspace,
      items,
    });
    // Marketing waits behind interactive traffic like broadcasts do; transactional notifications do not.
    const priority = plan.type.category === 'marketing' ? 'bulk' : 'interactive';
    const attachment = await this.attachmentOf(template);
    if (typeof attachment === 'string') return { ok: false, reason: attachment };
    try {
      const sent = await this.telegramAdapters.forChannel(channel, priority).send({
        chatExternalId: target.chatExternalId,
        html: msg.html,
        ...(msg.buttons.length ? { buttons: { kind: 'inline', rows: msg.buttons } } : {}),
        ...(attachment ? { attachments: [attachment] } : {}),
      });
      return { ok: true, channelId: channel.id, externalId: sent.externalId };
    } catch (err) {
      if (err instanceof ChannelRejectedError && err.recipientUnreachable)
        await r.identities.setReachable(target.identityId, false, err.description);
      throw err;
    }
  }

  private async sendEmail(
    plan: Plan,
    template: TemplateRow,
    items: Array<Record<string, unknown>>,
    opts: { lastAttempt?: boolean },
  ): Promise<ChannelOutcome> {
    const to = plan.contact.email?.trim().toLowerCase();
    if (!to) return { ok: false, reason: 'the contact has no email address' };
    // An address known to be unreachable is refused by sendAndRecordBounces before any SMTP exchange (a fallback).
    const sender = await this.senderFor(plan.type);
    if (!sender)
      return { ok: false, reason: 'no email sender: add an email channel or set SMTP_URL and MAIL_FROM' };
    const mail = emailMessage({
      template,
      contact: plan.contact,
      workspace: plan.workspace,
      items,
      fallbackSubject: plan.type.name,
      links: preferenceLinks(this.ctx.config.publicUrl, this.ctx.secretBox, plan.contact.id),
      marketing: plan.type.category === 'marketing',
    });
    const result = await this.emailSenders.sendAndRecordBounces(
      sender.sender,
      {
        to,
        ...(plan.contact.name ? { toName: plan.contact.name } : {}),
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        headers: mail.headers,
      },
      { lastAttempt: opts.lastAttempt },
    );
    return { ok: true, channelId: sender.channelId, externalId: result.messageId };
  }

  /** The template's file for Telegram, null without one, or why it cannot be sent (deleted, not stored, a sticker). */
  private async attachmentOf(template: TemplateRow): Promise<OutgoingAttachment | null | string> {
    if (!template.attachmentId) return null;
    const a = await this.ctx.repos.attachments.get(template.attachmentId);
    if (!a) return "the template's attachment was deleted";
    if (a.storageStatus !== 'stored' || !a.storageKey)
      return `the template's attachment is not stored (${a.storageStatus})`;
    if (!SENDABLE.has(a.kind)) return `a ${a.kind} cannot be sent`;
    return {
      kind: a.kind as OutgoingAttachment['kind'],
      storageKey: a.storageKey,
      ...(a.fileName ? { fileName: a.fileName } : {}),
      ...(a.mimeType ? { mimeType: a.mimeType } : {}),
    };
  }

  /** The type's own email channel when it names an active one, else the default sender. */
  private async senderFor(type: NotificationType) {
    if (type.emailChannelId) {
      const channel = await this.ctx.repos.channels.get(type.emailChannelId);
      if (channel?.type === 'email' && channel.status === 'active')
        return { sender: this.emailSenders.forChannel(channel), channelId: channel.id };
    }
    return this.emailSenders.default();
  }

  /** A final state with its log entry. */
  private async finish(
    id: string,
    status: 'sent' | 'failed',
    fields: {
      channel?: NotificationChannelKind | null;
      channelId?: string | null;
      externalId?: string;
      reason?: string;
    },
  ): Promise<void> {
    // One statement, so no transaction around it: the update and its log entry commit together or not at all.
    const at = this.ctx.clock.now();
    const detail =
      status === 'sent'
        ? { channelId: fields.channelId ?? null, externalId: fields.externalId }
        : { reason: fields.reason };
    await this.ctx.repos.notifications.updateAndLog(
      id,
      {
        status,
        ...(status === 'sent'
          ? {
              channel: fields.channel,
              channelId: fields.channelId,
              externalId: fields.externalId,
              sentAt: at,
              reason: null,
            }
          : { reason: fields.reason ?? null }),
      },
      at,
      { event: status, detail, channel: fields.channel ?? null },
    );
  }
}

/** The workspace's default timezone (setting `default_timezone`). */
function defaultTimezone(settings: Map<string, unknown>): string {
  const tz = settings.get('default_timezone');
  return typeof tz === 'string' ? tz : 'Europe/Moscow';
}

/** The workspace's quiet hours for marketing notifications (setting `notification_quiet_hours`); null when off. */
function quietHours(settings: Map<string, unknown>): QuietHours | null {
  const stored = settings.get('notification_quiet_hours');
  const value = stored === undefined ? SETTINGS.notification_quiet_hours!.default : stored;
  return (value as QuietHours | null) ?? null;
}
