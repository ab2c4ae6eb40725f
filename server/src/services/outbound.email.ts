import type { OutgoingButtons } from '../channels/channel.ts';
import { replyAddress } from '../channels/email/email.reply-token.ts';
import { emailSettingsOf } from '../channels/email/email.settings.ts';
import type { OutgoingEmail } from '../channels/email/email.types.ts';
import { escapeHtml, validateHtml } from '../channels/telegram/telegram.html.ts';
import { validateButtons } from '../channels/telegram/telegram.outgoing.ts';
import type { Attachment, Channel, Conversation, Message } from '../db/schema.ts';
import { type FieldProblem, ValidationError } from '../lib/errors.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import type { Repos } from '../repositories/index.ts';
import { checkAttachments, type ReplyInput } from './outbound.message.ts';
import { visibleTextOf } from './templates/render.ts';

/** What the receive path keeps of each received mail on its message (`content_attributes.email`). */
interface ReceivedMailAttributes {
  messageId?: string;
  subject?: string | null;
  references?: string[];
}

/** References carried forward: the chain grows with every reply, and some servers refuse very long headers. */
const MAX_REFERENCES = 20;

/**
 * What can be refused before an email reply is stored, as 400s with the field: the HTML (the composer writes the same
 * Telegram HTML for every channel), buttons (mail has none), the attachments and the reply target. Any stored file kind
 * can be attached: mail carries files of every type.
 */
export async function checkEmailReply(
  r: Repos,
  conversation: Conversation,
  input: ReplyInput,
): Promise<{ html: string | null; attachments: Attachment[] }> {
  const html = input.html?.trim() ? input.html : null;
  const problems: FieldProblem[] = [];
  if (html) {
    const valid = validateHtml(html);
    if (!valid.ok) problems.push({ path: '/content', message: valid.message });
  }
  // Link buttons become links under the text; a button that answers the bot (callback, reply keyboard) has no meaning in mail.
  if (input.buttons && !linkButtonsOnly(input.buttons))
    problems.push({ path: '/buttons', message: 'email replies can carry only link buttons (kind "url")' });
  else if (input.buttons) problems.push(...validateButtons(input.buttons));
  const ids = input.attachmentIds ?? [];
  if (!html && ids.length === 0)
    problems.push({ path: '/content', message: 'write something or attach a file' });
  // Any stored kind: mail carries files of every type.
  const attachments = await checkAttachments(r, ids, problems);
  if (
    input.replyToMessageId &&
    (await r.deliveries.sourceIdOf(conversation.id, input.replyToMessageId)) === undefined
  )
    problems.push({ path: '/replyToMessageId', message: 'no such message in this conversation' });
  if (problems.length > 0) throw new ValidationError(problems[0]!.message, problems);
  return { html, attachments };
}

/**
 * The mail for an agent's reply: to the conversation's address, `Re:` the customer's subject, In-Reply-To and References
 * continuing the customer's last mail (so their mail program threads it), Reply-To carrying the conversation's token (so
 * their answer comes back here even if headers are lost), and a Message-ID made from our message id: stable across
 * retries, and stored as the message's source_id so the customer's next reply threads by In-Reply-To too.
 */
export function emailReplyOf(
  box: SecretBox,
  channel: Channel,
  conversation: Pick<Conversation, 'id' | 'chatExternalId' | 'title'>,
  message: Pick<Message, 'id' | 'content'> & Partial<Pick<Message, 'contentAttributes' | 'senderType'>>,
  lastIncoming: Pick<Message, 'sourceId' | 'contentAttributes'> | undefined,
  attachments: Array<Pick<Attachment, 'storageKey' | 'fileName' | 'mimeType'>>,
): OutgoingEmail {
  const { address } = emailSettingsOf(channel);
  const received = (lastIncoming?.contentAttributes as { email?: ReceivedMailAttributes } | undefined)?.email;
  const parentId = received?.messageId ?? lastIncoming?.sourceId ?? undefined;
  const references = [...(received?.references ?? []), ...(parentId ? [parentId] : [])].slice(
    -MAX_REFERENCES,
  );
  const links = linksOf(message.contentAttributes);
  const html = [
    message.content ?? '',
    ...links.map((l) => `<a href="${escapeHtml(l.url)}">${escapeHtml(l.text)}</a>`),
  ]
    .filter(Boolean)
    .join('\n');
  return {
    to: conversation.chatExternalId,
    subject: replySubject(received?.subject ?? conversation.title, channel.name),
    text: plainTextOf(html),
    ...(html ? { html: emailHtmlOf(html) } : {}),
    ...(parentId ? { inReplyTo: parentId } : {}),
    ...(references.length ? { references } : {}),
    replyTo: replyAddress(box, address, conversation.id),
    // Written by no person (auto-reply, survey, system text): RFC 3834 says so, and other mail robots must not answer it.
    ...(message.senderType && message.senderType !== 'user'
      ? { headers: { 'Auto-Submitted': 'auto-replied' } }
      : {}),
    messageId: `<${message.id}@${address.slice(address.lastIndexOf('@') + 1)}>`,
    attachments: attachments.map((a) => ({
      storageKey: a.storageKey ?? '',
      fileName: a.fileName ?? 'file',
      ...(a.mimeType ? { mimeType: a.mimeType } : {}),
    })),
  };
}

function linkButtonsOnly(buttons: OutgoingButtons): boolean {
  return buttons.kind === 'inline' && buttons.rows.every((row) => row.every((b) => b.kind === 'url'));
}

/** The link buttons a reply was written with, in reading order. */
function linksOf(contentAttributes: unknown): Array<{ text: string; url: string }> {
  const buttons = (contentAttributes as { buttons?: OutgoingButtons } | undefined)?.buttons;
  if (buttons?.kind !== 'inline') return [];
  return buttons.rows.flat().flatMap((b) => (b.kind === 'url' ? [{ text: b.text, url: b.url }] : []));
}

/** The plain part: the visible text, with each link's address after its words (a text reader cannot click words). */
export function plainTextOf(html: string): string {
  const withUrls = html.replace(
    /<a\s+href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi,
    (_, href: string, inner: string) => (inner.trim() === href.trim() ? inner : `${inner} (${href})`),
  );
  return visibleTextOf('telegram_html', withUrls);
}

/** `Re: <subject>` without piling prefixes up (Re: Re: AW: …); the channel's name when the customer gave no subject. */
export function replySubject(subject: string | null | undefined, fallback: string): string {
  let base = (subject ?? '').trim();
  for (;;) {
    const stripped = base.replace(/^(re|aw|sv|fwd?|отв|ответ)\s*(\[\d+\])?\s*:\s*/i, '');
    if (stripped === base) break;
    base = stripped;
  }
  return `Re: ${base || fallback}`;
}

/**
 * The composer's Telegram HTML as mail HTML: the same tags mean the same in mail, line breaks become <br> (outside
 * <pre>, which keeps its own), and Telegram-only tags (spoilers, custom emoji) keep their text.
 */
export function emailHtmlOf(html: string): string {
  const body = html
    .split(/(<pre[\s\S]*?<\/pre>)/i)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\r?\n/g, '<br>\n')))
    .join('')
    .replace(/<\/?tg-(spoiler|emoji)[^>]*>/gi, '')
    .replace(/<span class="tg-spoiler">([\s\S]*?)<\/span>/gi, '$1');
  return `<!doctype html><html><body>${body}</body></html>`;
}
