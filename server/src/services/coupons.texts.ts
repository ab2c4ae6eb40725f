import type { CouponCampaign } from '../db/schema.coupons.ts';
import { discountOf } from './coupons.campaigns.ts';
import type { ReplyLanguage } from './reply-language.ts';

/** The texts the customer receives with a coupon, in Russian and English. Plain text: callers escape for HTML. */
const TEXTS = {
  ru: {
    title: (name: string) => `Ваш купон «${name}»`,
    code: 'Код',
    discount: 'Скидка',
    until: 'Действует до',
    show: 'Покажите этот QR-код или назовите код на кассе.',
    subject: (name: string) => `Ваш купон: ${name}`,
  },
  en: {
    title: (name: string) => `Your coupon "${name}"`,
    code: 'Code',
    discount: 'Discount',
    until: 'Valid until',
    show: 'Show this QR code or tell the code at the checkout.',
    subject: (name: string) => `Your coupon: ${name}`,
  },
} as const;

/** "10%" or "500 RUB", formatted for the language. */
export function discountText(c: CouponCampaign, lang: ReplyLanguage): string {
  const d = discountOf(c);
  const locale = lang === 'ru' ? 'ru-RU' : 'en-US';
  if ('percent' in d)
    return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(d.percent)}%`;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: d.currency }).format(d.amount);
  } catch {
    return `${d.amount} ${d.currency}`;
  }
}

/** A date as the customer reads it (the workspace's time zone). */
export function dateText(d: Date, lang: ReplyLanguage, timeZone: string): string {
  return new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'long', timeZone }).format(
    d,
  );
}

/** The lines of a coupon message, plain; `code` is marked so the HTML form can make it copyable. */
export function couponLines(
  input: { campaign: CouponCampaign; code: string; validUntil: Date | null; timeZone: string },
  lang: ReplyLanguage,
): {
  title: string;
  lines: Array<{ label: string; value: string; code?: true }>;
  terms: string | null;
  footer: string;
  subject: string;
} {
  const t = TEXTS[lang];
  const lines: Array<{ label: string; value: string; code?: true }> = [
    { label: t.code, value: input.code, code: true },
    { label: t.discount, value: discountText(input.campaign, lang) },
  ];
  if (input.validUntil)
    lines.push({ label: t.until, value: dateText(input.validUntil, lang, input.timeZone) });
  return {
    title: t.title(input.campaign.name),
    lines,
    terms: input.campaign.terms,
    footer: t.show,
    subject: t.subject(input.campaign.name),
  };
}
