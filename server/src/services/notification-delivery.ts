import type { OutgoingAttachment } from '../channels/channel.ts';
import { ChannelRejectedError } from '../channels/errors.ts';
import type {
  Contact,
  EmailAddress,
  Notification,
  NotificationChannelKind,
  NotificationStatus,
  NotificationType,
  TemplateRow,
} from '../db/schema.ts';
import type { Repos } from '../repositories/index.ts';
import type { DeliveryOutcome } from '../repositories/notification-drain.repository.ts';
import type { DeliveryRead } from '../repositories/notifications.repository.ts';
import type { QuietHours } from './broadcast-timing.ts';
import type { ServiceContext } from './context.ts';
import type { EmailSenders } from './email-senders.ts';
import { emailMessage, telegramMessage } from './notification-message.ts';
import { decideChannels, quietUntil } from './notification-preferences.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import { preferenceLinks } from './preference-links.ts';
import { SETTINGS } from './settings.service.ts';
import type { RenderWorkspace } from './templates/types.ts';
import { TemplateError } from './templates/types.ts';
import type { TemplatesService } from './templates.service.ts';

/**
 * One notification's delivery, in two halves the drain (notification-drain.ts) runs for many at once.
 *
 * 1. `decide`, inside the drain's transaction with the row locked: preferences and rules as they are now, quiet hours
 *    (marketing waits for the morning: `delayed` until then), throttling. What is to be sent becomes `sending` in that
 *    transaction, so it is committed BEFORE any request.
 * 2. `send`: through the channels in order. A permanent failure (blocked bot, 5xx address, no identity, no template) falls
 *    back to the next channel, logged as `fallback`; a transient one (network, 4xx, 429) is a retry after a backoff, and on
 *    the last attempt a failure. It never throws: it returns the outcome, which the drain records many at a time.
 * A row found `sending` was interrupted mid-request: the message may have gone out, so it is failed as `interrupted` and
 * never sent again (the window of doubt, as for inbox messages).
 */

/** Delivery attempts per notification: transient failures retry with exponential backoff (e^n s: ~30 min in all). */
export const DELIVERY_MAX_ATTEMPTS = 8;

/** The wait before the next attempt after `attempts` transient failures (graphile-worker's curve: e^n seconds). */
export function retryDelayMs(attempts: number): number {
  return Math.round(Math.exp(Math.min(attempts, 10)) * 1000);
}

/** Attachment kinds a Telegram message can carry (as broadcasts send them). */
const SENDABLE = new Set(['photo', 'document', 'video', 'audio', 'voice']);

export const DONE: ReadonlySet<NotificationStatus> = new Set(['sent', 'skipped', 'failed', 'digested']);

/** What `decide` hands to `send`. */
export interface Plan {
  n: Notification;
  type: NotificationType;
  contact: Contact;
  channels: NotificationChannelKind[];
  /** The type's templates per channel kind, read with the row. */
  templates: Partial<Record<NotificationChannelKind, TemplateRow>>;
  /** The workspace as the templates see it, from the settings read with the row. */
  workspace: RenderWorkspace;
  /** The bounce record of the contact's email address, read with the row (null: none). */
  emailAddress: EmailAddress | null;
  /** No retry follows a transient failure of this attempt. */
  lastAttempt: boolean;
  /** Already `sending` (throttled types are marked one by one, so later rows of the batch count them). */
  marked: boolean;
  /** Shared by the plans of one claim: what is read once for all of them. */
  shared: SharedReads;
}

/**
 * Reads the plans of one claim share (a drain sets one object on all of them). The default email sender is looked up once
 * per claim rather than per mail; a channel switched on or off meanwhile applies from the next claim.
 */
export interface SharedReads {
  defaultSender?: ReturnType<EmailSenders['default']>;
}

type ChannelOutcome =
  | { ok: true; channelId: string | null; externalId: string }
  | { ok: false; reason: string };

/** What `send` returns: the outcome to record, and for a retry the error that caused it. */
export interface Sent {
  outcome: DeliveryOutcome;
  error?: unknown;
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

  /**
   * The rules for one locked row, in the caller's transaction; a plan when it is to be sent now (the caller marks plans
   * `sending` before committing, unless `marked`), null when it ended here or waits.
   */
  async decide(
    r: Repos,
    read: DeliveryRead,
    now: Date,
    opts: { lastAttempt?: boolean } = {},
  ): Promise<Plan | null> {
    const { n, type, contact, settings } = read;
    const id = n.id;
    if (DONE.has(n.status)) return null;
    const end = async (status: NotificationStatus, detail: Record<string, unknown>, reason: string) => {
      await r.notifications.updateAndLog(id, { status, reason, nextAttemptAt: null }, now, {
        event: status,
        detail,
        channel: null,
      });
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
    const decision = decideChannels({
      type,
      subscribed: contact.subscribed,
      preferences: read.preferences ?? null,
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
      await r.notifications.updateAndLog(
        id,
        { status: 'delayed', reason: 'quiet hours', nextAttemptAt: hold },
        now,
        { event: 'delayed', detail: { rule: 'quiet_hours', until: hold.toISOString() }, channel: null },
      );
      await r.jobs.add('notifications.drain', {}, drainAt(hold));
      return null;
    }
    let marked = false;
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
      // Marked now, so a later row of the same contact and type in this transaction counts this one.
      await r.notificationDrain.markSending([id], now);
      marked = true;
    }
    for (const { channel, rule } of decision.excluded)
      await r.notifications.log(id, 'skipped', now, { rule, channelOnly: true }, channel);
    // Channels that failed for good are logged only before a retry (reason set): a first attempt skips the read.
    const failed = new Set(n.reason === null ? [] : await r.notifications.failedChannels(id));
    return {
      n,
      type,
      contact,
      channels: decision.channels.filter((c) => !failed.has(c)),
      templates: read.templates,
      workspace: this.templates.workspace(settings),
      emailAddress: read.emailAddress,
      lastAttempt: opts.lastAttempt ?? n.attempts + 1 >= DELIVERY_MAX_ATTEMPTS,
      marked,
      shared: {},
    };
  }

  /** Sends one planned notification through its channels in order; the outcome to record (never throws). */
  async send(plan: Plan): Promise<Sent> {
    const { n } = plan;
    let current: NotificationChannelKind | null = null;
    try {
      const reasons: string[] = [];
      for (const [i, channel] of plan.channels.entries()) {
        current = channel;
        const outcome = await this.tryChannel(channel, plan);
        if (outcome.ok)
          return {
            outcome: {
              id: n.id,
              status: 'sent',
              channel,
              channelId: outcome.channelId,
              externalId: outcome.externalId,
              at: this.ctx.clock.now(),
            },
          };
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
      return {
        outcome: {
          id: n.id,
          status: 'failed',
          channel: null,
          reason: reasons.length ? reasons.join('; ') : 'every allowed channel failed before',
          at: this.ctx.clock.now(),
        },
      };
    } catch (err) {
      // Transient (permanent ones are fallbacks above): a retry after the backoff, or on the last attempt a failure.
      const at = this.ctx.clock.now();
      const reason = message(err);
      if (plan.lastAttempt)
        return {
          outcome: {
            id: n.id,
            status: 'failed',
            channel: current,
            reason: `gave up after retries: ${reason}`,
            at,
          },
          error: err,
        };
      const attempts = n.attempts + 1;
      return {
        outcome: {
          id: n.id,
          status: 'queued',
          channel: current,
          reason,
          attempts,
          nextAttemptAt: new Date(at.getTime() + retryDelayMs(attempts)),
          at,
        },
        error: err,
      };
    }
  }

  private async tryChannel(channel: NotificationChannelKind, plan: Plan): Promise<ChannelOutcome> {
    const template = plan.templates[channel];
    if (!template) return { ok: false, reason: `the type has no ${channel} template` };
    const items = await this.itemsOf(plan.n);
    try {
      return channel === 'telegram'
        ? await this.sendTelegram(plan, template, items)
        : await this.sendEmail(plan, template, items);
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
  ): Promise<ChannelOutcome> {
    const to = plan.contact.email?.trim().toLowerCase();
    if (!to) return { ok: false, reason: 'the contact has no email address' };
    // An address known to be unreachable is refused by sendAndRecordBounces before any SMTP exchange (a fallback).
    const sender = await this.senderFor(plan.type, plan.shared);
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
      // The record read with the claim was looked up by the stored address: it is this one when stored normalised
      // (contacts' addresses are); otherwise sendAndRecordBounces reads it.
      { lastAttempt: plan.lastAttempt, ...(plan.contact.email === to ? { known: plan.emailAddress } : {}) },
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

  /** The type's own email channel when it names an active one, else the default sender (read once per claim). */
  private async senderFor(type: NotificationType, shared: SharedReads) {
    if (type.emailChannelId) {
      const channel = await this.ctx.repos.channels.get(type.emailChannelId);
      if (channel?.type === 'email' && channel.status === 'active')
        return { sender: this.emailSenders.forChannel(channel), channelId: channel.id };
    }
    shared.defaultSender ??= this.emailSenders.default();
    return shared.defaultSender;
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

/**
 * The drain job's options for a wake-up at `at`: one job per second of wake-up time (the job key), so a thousand contacts
 * waiting for the same morning wake one drain, not a thousand.
 */
export function drainAt(at: Date) {
  const second = new Date(Math.ceil(at.getTime() / 1000) * 1000);
  return {
    runAt: second,
    jobKey: `notifications.drain@${second.toISOString()}`,
    maxAttempts: DRAIN_MAX_ATTEMPTS,
  };
}

/** A drain job that fails (the database gone) is retried; the rows it did not finish wait for the next one. */
export const DRAIN_MAX_ATTEMPTS = 10;
