import type { InlineButton } from '../channels/channel.ts';
import type { TelegramAdapter } from '../channels/telegram/telegram.adapter.ts';
import { escapeHtml } from '../channels/telegram/telegram.html.ts';
import type { Validation } from './coupons.service.ts';
import { dateText, discountText } from './coupons.texts.ts';
import { STAFF_TEXTS, type StaffLang } from './staff-bot.texts.ts';

/** Sending into one staff chat: a new message, or an edit of one of ours (buttons replaced; [] removes them). */
export interface Say {
  send(html: string, rows?: InlineButton[][]): Promise<void>;
  edit(messageId: string, html: string, rows: InlineButton[][]): Promise<void>;
}

/** A Say over a bot's adapter and one chat. */
export function sayer(adapter: TelegramAdapter, chatId: string): Say {
  return {
    async send(html, rows) {
      await adapter.send({
        chatExternalId: chatId,
        html,
        ...(rows?.length ? { buttons: { kind: 'inline' as const, rows } } : {}),
      });
    },
    async edit(messageId, html, rows) {
      await adapter.edit(
        { chatExternalId: chatId, externalId: messageId },
        { html, buttons: { kind: 'inline', rows } },
      );
    },
  };
}

/** The coupon as a cashier sees it: code, campaign, discount, customer, validity, uses, and a verdict line. */
export function couponCard(v: Validation, lang: StaffLang, timeZone: string): string {
  const t = STAFF_TEXTS[lang];
  const lines = [
    `${t.coupon}: <code>${escapeHtml(v.coupon.code)}</code>`,
    `${t.campaign}: ${escapeHtml(v.campaign.name)}`,
    `${t.discount}: <b>${escapeHtml(discountText(v.campaign, lang))}</b>`,
  ];
  if (v.contactName) lines.push(`${t.customer}: ${escapeHtml(v.contactName)}`);
  if (v.coupon.validUntil)
    lines.push(`${t.until}: ${escapeHtml(dateText(v.coupon.validUntil, lang, timeZone))}`);
  if (v.campaign.perCouponLimit > 1) lines.push(`${t.uses}: ${v.coupon.uses} / ${v.campaign.perCouponLimit}`);
  lines.push('', `<b>${escapeHtml(v.valid ? t.valid : t.reasons[v.reason ?? 'used_up'])}</b>`);
  if (v.campaign.terms) lines.push(`<i>${escapeHtml(v.campaign.terms)}</i>`);
  return lines.join('\n');
}
