import type { InlineButton } from '../channels/channel.ts';
import { escapeHtml } from '../channels/telegram/telegram.html.ts';
import type { TemplateRow } from '../db/schema.ts';
import { parse, renderParsed } from './templates/engine.ts';
import { renderTemplate, visibleTextOf } from './templates/render.ts';
import type { RenderContact, RenderResult, RenderWorkspace, TemplateButton } from './templates/types.ts';
import { buildScope } from './templates/variables.ts';

/**
 * A notification's message for one channel kind, from the type's template: Telegram HTML with inline buttons, or an email
 * (subject, HTML and text parts, footer link to the preference page, List-Unsubscribe headers for marketing). A digest
 * renders the template once per event and lists the results under one heading.
 */

export type NotificationLanguage = 'ru' | 'en';

/** The language our own texts (digest heading, email footer) use: the body's language when ru or en, else Russian. */
export function textLanguage(render: Pick<RenderResult, 'language'>): NotificationLanguage {
  return render.language.toLowerCase().startsWith('en') ? 'en' : 'ru';
}

const TEXTS = {
  ru: {
    digest: (n: number) => `Новых уведомлений: ${n}`,
    manage: 'Настроить уведомления',
    manageOrUnsubscribe: 'Настроить уведомления или отписаться',
  },
  en: {
    digest: (n: number) => `${n} new notifications`,
    manage: 'Manage notifications',
    manageOrUnsubscribe: 'Manage notifications or unsubscribe',
  },
} as const;

export interface RenderFor {
  template: TemplateRow;
  contact: RenderContact;
  workspace: RenderWorkspace;
  /** One entry per event: one for a plain notification, several for a digest. */
  items: Array<Record<string, unknown>>;
}

function renderEach(r: RenderFor): RenderResult[] {
  const src = {
    id: r.template.id,
    version: r.template.version,
    format: r.template.format,
    body: r.template.body,
    variants: r.template.variants,
    buttons: r.template.buttons as TemplateButton[][],
  };
  return r.items.map((data) => renderTemplate(src, { contact: r.contact, workspace: r.workspace, data }));
}

/** The Telegram message: the body and its buttons; a digest lists every event's body (buttons dropped: whose?). */
export function telegramMessage(r: RenderFor): {
  html: string;
  buttons: InlineButton[][];
  language: NotificationLanguage;
} {
  const parts = renderEach(r);
  const first = parts[0]!;
  const language = textLanguage(first);
  if (parts.length === 1) return { html: first.html, buttons: first.buttons, language };
  const heading = `<b>${escapeHtml(TEXTS[language].digest(parts.length))}</b>`;
  return { html: [heading, ...parts.map((p) => p.html)].join('\n\n———\n\n'), buttons: [], language };
}

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

const subjectCache = new Map<string, ReturnType<typeof parse>>();

/** The template's subject for the body's variant, rendered with plain-text escaping; null when it has none. */
export function renderSubject(
  template: TemplateRow,
  variant: string | null,
  input: { contact: RenderContact; workspace: RenderWorkspace; data: Record<string, unknown> },
  language: string,
): string | null {
  const variants = template.subjectVariants ?? {};
  const source = variant !== null && Object.hasOwn(variants, variant) ? variants[variant] : template.subject;
  if (!source) return null;
  const path =
    variant !== null && Object.hasOwn(variants, variant) ? `/subjectVariants/${variant}` : '/subject';
  const key = `${template.id}:${template.version}:${path}`;
  let parsed = subjectCache.get(key);
  if (!parsed) {
    parsed = parse('text', source, path);
    if (subjectCache.size > 500) subjectCache.clear();
    subjectCache.set(key, parsed);
  }
  const scope = buildScope(input.contact, input.workspace, input.data);
  const timezone = input.contact.timezone || input.workspace.timezone;
  // A header is one line: newlines from the template or the data would end it early.
  return renderParsed('text', parsed, scope, { language, timezone }, path)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 250);
}

/** Link texts kept for the plain part: `label (url)`. */
function textOf(html: string): string {
  const withUrls = html.replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_m, href, label) =>
    label.trim() && label.trim() !== href ? `${label} (${href})` : href,
  );
  return visibleTextOf('email_html', withUrls)
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The email: subject (the first event's, "(+N)" for a digest), the body (every event's for a digest), a footer link to
 * the contact's preference page, and for marketing RFC 8058 one-click unsubscribe headers.
 */
export function emailMessage(
  r: RenderFor & {
    fallbackSubject: string;
    links: { pageUrl: string; oneClickUrl: string };
    marketing: boolean;
  },
): EmailContent & { language: NotificationLanguage } {
  const parts = renderEach(r);
  const first = parts[0]!;
  const language = textLanguage(first);
  const t = TEXTS[language];
  let subject =
    renderSubject(
      r.template,
      first.variant,
      { contact: r.contact, workspace: r.workspace, data: r.items[0]! },
      first.language,
    ) || r.fallbackSubject;
  if (parts.length > 1) subject = `${subject} (+${parts.length - 1})`;
  const body =
    parts.length === 1
      ? first.html
      : [`<h3>${escapeHtml(t.digest(parts.length))}</h3>`, ...parts.map((p) => p.html)].join('\n<hr>\n');
  const linkText = r.marketing ? t.manageOrUnsubscribe : t.manage;
  const pageUrl = escapeHtml(r.links.pageUrl);
  const footer = `<p style="margin-top:24px;font-size:12px;color:#555"><a href="${pageUrl}" style="color:#555">${escapeHtml(linkText)}</a></p>`;
  const html =
    `<!doctype html>\n<html lang="${language}"><head><meta charset="utf-8"></head>` +
    `<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#111">\n${body}\n${footer}\n</body></html>`;
  const text = `${textOf(body)}\n\n--\n${linkText}: ${r.links.pageUrl}\n`;
  const headers: Record<string, string> = r.marketing
    ? {
        'List-Unsubscribe': `<${r.links.oneClickUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      }
    : {};
  return { subject, html, text, headers, language };
}
