import type { NotificationChannelKind } from '../db/schema.ts';
import type { PreferencePageModel } from '../services/preferences.web.ts';
import type { ReplyLanguage } from '../services/reply-language.ts';

/**
 * The customer's preference pages, server-rendered in Russian or English: the toggles (GET/POST /p/:token), the one-click
 * unsubscribe confirmation (GET /p/:token/unsubscribe) and its result, and the page for a link that is not valid.
 * No script, no external resources; labels on every control, system colours with high contrast, one column on a phone.
 */

const T = {
  ru: {
    title: 'Настройки уведомлений',
    intro: 'Выберите, какие сообщения вы хотите получать.',
    marketingLegend: 'Рассылки',
    marketing: 'Новости и акции',
    typesLegend: 'Уведомления',
    critical: 'Важные уведомления (например, о проблемах с оплатой) приходят всегда.',
    channelsLegend: 'Каналы',
    channel: { telegram: 'Telegram', email: 'Электронная почта' } as Record<NotificationChannelKind, string>,
    save: 'Сохранить',
    saved: 'Сохранено.',
    unsubscribeTitle: 'Отписка от рассылки',
    unsubscribeAsk:
      'Отписаться от новостей и акций? Уведомления о ваших оплатах и занятиях продолжат приходить.',
    unsubscribeButton: 'Отписаться',
    unsubscribed: 'Вы отписались от новостей и акций.',
    manage: 'Настроить уведомления',
    notFoundTitle: 'Ссылка не найдена',
    notFound: 'Эта ссылка недействительна или устарела.',
  },
  en: {
    title: 'Notification settings',
    intro: 'Choose which messages you want to receive.',
    marketingLegend: 'Mailings',
    marketing: 'News and offers',
    typesLegend: 'Notifications',
    critical: 'Important notifications (such as payment problems) always arrive.',
    channelsLegend: 'Channels',
    channel: { telegram: 'Telegram', email: 'Email' } as Record<NotificationChannelKind, string>,
    save: 'Save',
    saved: 'Saved.',
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeAsk:
      'Unsubscribe from news and offers? Notifications about your payments and lessons will still arrive.',
    unsubscribeButton: 'Unsubscribe',
    unsubscribed: 'You have unsubscribed from news and offers.',
    manage: 'Manage notifications',
    notFoundTitle: 'Link not found',
    notFound: 'This link is not valid or no longer exists.',
  },
} as const;

/** Escapes text for HTML content and attribute values. */
export function escapeText(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `
body{font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;background:#fff;margin:0}
main{max-width:32rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.5rem;margin:0 0 .25rem}
.ws{color:#444;margin:0 0 1rem}
fieldset{border:1px solid #767676;border-radius:8px;margin:0 0 1rem;padding:.5rem 1rem}
legend{font-weight:600;padding:0 .25rem}
label{display:flex;align-items:center;gap:.75rem;min-height:44px;cursor:pointer}
input[type=checkbox]{width:1.35rem;height:1.35rem;flex:none;accent-color:#0b57d0}
button{font:inherit;font-weight:600;color:#fff;background:#0b57d0;border:0;border-radius:8px;min-height:44px;padding:.5rem 1.5rem;cursor:pointer;width:100%}
button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
.note{color:#444;font-size:.95rem}
.status{background:#e6f4ea;color:#0d3b1e;border-radius:8px;padding:.5rem 1rem}
a{color:#0b57d0}
@media (prefers-color-scheme:dark){body{color:#f1f1f1;background:#121212}.ws,.note{color:#c8c8c8}
fieldset{border-color:#8a8a8a}.status{background:#163d24;color:#e6f4ea}a{color:#8ab4f8}}
`;

function layout(lang: ReplyLanguage, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeText(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

function checkbox(name: string, value: string, label: string, on: boolean): string {
  const id = `f-${value.replace(/[^a-z0-9_-]/gi, '-')}`;
  return (
    `<input type="hidden" name="shown" value="${escapeText(value)}">` +
    `<label for="${id}"><input type="checkbox" id="${id}" name="${name}" value="${escapeText(value)}"${on ? ' checked' : ''}>` +
    `<span>${escapeText(label)}</span></label>`
  );
}

/** The toggles page; `saved` adds the confirmation after a POST. */
export function preferencesPage(model: PreferencePageModel, opts: { saved?: boolean } = {}): string {
  const t = T[model.lang];
  const types = model.types.length
    ? `<fieldset><legend>${t.typesLegend}</legend>${model.types
        .map((ty) => checkbox('on', `type:${ty.key}`, ty.name, ty.on))
        .join('')}</fieldset>`
    : '';
  const channels = model.channels.length
    ? `<fieldset><legend>${t.channelsLegend}</legend>${model.channels
        .map((c) => checkbox('on', `channel:${c.kind}`, t.channel[c.kind], c.on))
        .join('')}</fieldset>`
    : '';
  return layout(
    model.lang,
    t.title,
    `<h1>${t.title}</h1><p class="ws">${escapeText(model.workspaceName)}</p>
${opts.saved ? `<p class="status" role="status">${t.saved}</p>` : ''}
<p>${t.intro}</p>
<form method="post">
<fieldset><legend>${t.marketingLegend}</legend>${checkbox('on', 'marketing', t.marketing, model.subscribed)}</fieldset>
${types}${channels}
<p class="note">${t.critical}</p>
<button type="submit">${t.save}</button>
</form>`,
  );
}

/** The confirmation shown by GET of the one-click URL (mail scanners prefetch links: a GET never unsubscribes). */
export function unsubscribeConfirmPage(model: PreferencePageModel, pagePath: string): string {
  const t = T[model.lang];
  return layout(
    model.lang,
    t.unsubscribeTitle,
    `<h1>${t.unsubscribeTitle}</h1><p class="ws">${escapeText(model.workspaceName)}</p>
<p>${t.unsubscribeAsk}</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">${t.unsubscribeButton}</button></form>
<p><a href="${escapeText(pagePath)}">${t.manage}</a></p>`,
  );
}

/** The answer to a one-click unsubscribe. */
export function unsubscribedPage(model: PreferencePageModel, pagePath: string): string {
  const t = T[model.lang];
  return layout(
    model.lang,
    t.unsubscribeTitle,
    `<h1>${t.unsubscribeTitle}</h1><p class="ws">${escapeText(model.workspaceName)}</p>
<p class="status" role="status">${t.unsubscribed}</p>
<p><a href="${escapeText(pagePath)}">${t.manage}</a></p>`,
  );
}

/** A link that does not verify (or names a contact no longer there): says nothing about whom it named. */
export function linkNotFoundPage(lang: ReplyLanguage): string {
  const t = T[lang];
  const other = T[lang === 'ru' ? 'en' : 'ru'];
  return layout(
    lang,
    t.notFoundTitle,
    `<h1>${t.notFoundTitle}</h1><p>${t.notFound}</p><p lang="${lang === 'ru' ? 'en' : 'ru'}"><small>${other.notFound}</small></p>`,
  );
}
