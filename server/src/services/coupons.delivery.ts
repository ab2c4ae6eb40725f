import { Readable } from 'node:stream';
import { ChannelRejectedError } from '../channels/errors.ts';
import { escapeHtml } from '../channels/telegram/telegram.html.ts';
import type { Coupon } from '../db/schema.coupons.ts';
import type { Repos } from '../repositories/index.ts';
import type { ServiceContext } from './context.ts';
import { couponLines } from './coupons.texts.ts';
import type { EmailSenders } from './email-senders.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import { qrPng } from './qr.ts';
import { replyLanguage } from './reply-language.ts';

/** Coupons a batch job sends per claim (each claim is one short transaction). */
const BATCH = 50;

/** What became of one coupon's delivery. */
type Outcome = { ok: true; channel: string } | { ok: false; reason: string };

/**
 * Sends issued coupons to their customers: the code with a QR image in Telegram (the contact's reachable bot, in their
 * language), else the code as text, with the QR attached, by email. Like notifications, the coupon is marked `sending`
 * before any request: a job that finds `sending` was interrupted mid-request, so it fails the delivery as interrupted
 * instead of risking a second message. Transient failures (Telegram or SMTP unreachable) put it back to `pending` and
 * throw, so the job is retried with backoff.
 */
export class CouponDelivery {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly telegram: TelegramAdapters,
    private readonly email: EmailSenders,
  ) {}

  /** The `coupons.deliver` job. */
  async deliver(couponId: string, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    const r = this.ctx.repos;
    if (!(await r.coupons.setDelivery(couponId, ['pending'], { deliveryStatus: 'sending' }))) {
      const coupon = await r.coupons.get(couponId);
      if (coupon?.deliveryStatus === 'sending')
        await r.coupons.setDelivery(couponId, ['sending'], {
          deliveryStatus: 'failed',
          deliveryError: 'interrupted while sending; not retried so the customer does not get it twice',
        });
      return;
    }
    const coupon = await r.coupons.get(couponId);
    if (coupon) await this.sendClaimed(coupon, opts);
  }

  /** The `coupons.deliver_batch` job: every pending coupon of a segment batch, claimed in small batches. */
  async deliverBatch(
    campaignId: string,
    batchId: string,
    opts: { lastAttempt?: boolean } = {},
  ): Promise<void> {
    for (;;) {
      const claimed = await this.ctx.repos.coupons.claimBatchDeliveries(campaignId, batchId, BATCH);
      if (claimed.length === 0) return;
      for (const coupon of claimed) await this.sendClaimed(coupon, opts);
    }
  }

  /** Sends a coupon already marked `sending` and records the outcome. */
  private async sendClaimed(coupon: Coupon, opts: { lastAttempt?: boolean }): Promise<void> {
    const r = this.ctx.repos;
    let outcome: Outcome;
    try {
      outcome = await this.send(r, coupon);
    } catch (err) {
      if (err instanceof ChannelRejectedError) outcome = { ok: false, reason: err.message };
      else if (opts.lastAttempt) outcome = { ok: false, reason: (err as Error).message ?? String(err) };
      else {
        await r.coupons.setDelivery(coupon.id, ['sending'], { deliveryStatus: 'pending' });
        throw err;
      }
    }
    await r.coupons.setDelivery(
      coupon.id,
      ['sending'],
      outcome.ok
        ? {
            deliveryStatus: 'sent',
            deliveryChannel: outcome.channel,
            deliveredAt: this.ctx.clock.now(),
            deliveryError: null,
          }
        : { deliveryStatus: 'failed', deliveryError: outcome.reason },
    );
  }

  private async send(r: Repos, coupon: Coupon): Promise<Outcome> {
    const [campaign, contact] = await Promise.all([
      r.coupons.getCampaign(coupon.campaignId),
      r.contacts.get(coupon.contactId),
    ]);
    if (!campaign || !contact) return { ok: false, reason: 'the campaign or the contact is gone' };
    const lang = await replyLanguage(r, contact.language);
    const timeZone =
      contact.timezone ??
      ((await r.settings.get('default_timezone')) as string | undefined) ??
      'Europe/Moscow';
    const text = couponLines({ campaign, code: coupon.code, validUntil: coupon.validUntil, timeZone }, lang);
    const png = await qrPng(coupon.code);
    const storageKey = `coupons/${coupon.id}.png`;
    const storage = this.ctx.storage;
    if (storage) await storage.put(storageKey, Readable.from(png));

    for (const identity of await r.contacts.identities(contact.id)) {
      if (identity.channelType !== 'telegram' || !identity.reachable) continue;
      const channel = await r.channels.get(identity.channelId);
      // A staff bot talks to the team, never to customers.
      if (channel?.status !== 'active' || channel.staffBot) continue;
      const html = [
        `<b>${escapeHtml(text.title)}</b>`,
        ...text.lines.map(
          (l) =>
            `${escapeHtml(l.label)}: ${l.code ? `<code>${escapeHtml(l.value)}</code>` : escapeHtml(l.value)}`,
        ),
        ...(text.terms ? ['', `<i>${escapeHtml(text.terms)}</i>`] : []),
        '',
        escapeHtml(text.footer),
      ].join('\n');
      try {
        await this.telegram.forChannel(channel, 'interactive').send({
          chatExternalId: identity.externalId,
          html,
          ...(storage
            ? { attachments: [{ kind: 'photo', storageKey, fileName: 'coupon.png', mimeType: 'image/png' }] }
            : {}),
        });
        return { ok: true, channel: `telegram:${channel.id}` };
      } catch (err) {
        // Blocked or gone: try the next way to reach them; anything else is retried by the job.
        if (!(err instanceof ChannelRejectedError)) throw err;
        this.ctx.log.warn(
          { err, couponId: coupon.id, channelId: channel.id },
          'coupon not delivered by Telegram',
        );
      }
    }

    if (!contact.email)
      return { ok: false, reason: 'the contact has no reachable Telegram chat and no email' };
    const sender = await this.email.default();
    if (!sender) return { ok: false, reason: 'no Telegram chat, and no email sender is configured' };
    const plain = [
      text.title,
      '',
      ...text.lines.map((l) => `${l.label}: ${l.value}`),
      ...(text.terms ? ['', text.terms] : []),
      '',
      text.footer,
    ].join('\n');
    await this.email.sendAndRecordBounces(sender.sender, {
      to: contact.email,
      ...(contact.name ? { toName: contact.name } : {}),
      subject: text.subject,
      text: plain,
      ...(storage
        ? { attachments: [{ storageKey, fileName: `coupon-${coupon.code}.png`, mimeType: 'image/png' }] }
        : {}),
    });
    return { ok: true, channel: 'email' };
  }
}
