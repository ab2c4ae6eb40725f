import type { FieldProblem } from '../../lib/errors.ts';
import type { OutgoingAttachment, OutgoingButtons, OutgoingMessage } from '../channel.ts';
import { splitCaption, splitHtml } from './telegram.split.ts';

/**
 * The pure half of sending: an OutgoingMessage becomes an ordered list of Bot API calls ("parts"), and each part becomes
 * its request payload. No I/O here, so the plan (how text is split, how attachments are grouped into albums, which part
 * carries the buttons and the reply) is unit-tested and the same on every retry: progress is recorded per part index.
 */

/** Telegram's limit on callback_data, in bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;
/** An album holds 2 to 10 items. */
export const ALBUM_MAX = 10;

/** One Bot API call of a send. `buttons` and `replyTo` are set on the part that carries them. */
export type Part =
  | { kind: 'text'; html: string; buttons: boolean; replyTo: boolean }
  | { kind: 'media'; attachment: OutgoingAttachment; caption: string; buttons: boolean; replyTo: boolean }
  | { kind: 'album'; items: OutgoingAttachment[]; caption: string; replyTo: boolean };

/** The message cannot be sent as given (our input is wrong, not Telegram's answer). */
export class OutgoingInvalidError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'OutgoingInvalidError';
  }
}

/** Telegram's album rule: photos and videos mix; documents only with documents; audio only with audio; voice never. */
function albumClass(kind: OutgoingAttachment['kind']): string | null {
  if (kind === 'photo' || kind === 'video') return 'visual';
  if (kind === 'voice') return null;
  return kind;
}

/** Groups attachments into albums of compatible kinds (classes in order of first appearance), chunks of at most 10. */
export function groupAttachments(attachments: OutgoingAttachment[]): OutgoingAttachment[][] {
  const classes = new Map<string, OutgoingAttachment[]>();
  const groups: OutgoingAttachment[][] = [];
  for (const a of attachments) {
    const cls = albumClass(a.kind);
    if (cls === null) {
      groups.push([a]);
      continue;
    }
    let bucket = classes.get(cls);
    if (!bucket) {
      bucket = [];
      classes.set(cls, bucket);
      groups.push(bucket);
    }
    bucket.push(a);
  }
  // Chunk buckets larger than an album; a lone leftover item goes out as a plain media message.
  return groups.flatMap((g) => {
    const chunks: OutgoingAttachment[][] = [];
    for (let i = 0; i < g.length; i += ALBUM_MAX) chunks.push(g.slice(i, i + ALBUM_MAX));
    return chunks;
  });
}

/**
 * Plans the calls of one send. Text is split on Telegram's 4096 limit; a caption over 1024 moves its rest into following text
 * messages. The reply goes on the first part; buttons on the last part that can carry them. Albums cannot carry a keyboard, so
 * with buttons and several attachments the text goes after the albums as a message of its own, carrying the buttons.
 */
export function planParts(msg: OutgoingMessage): Part[] {
  const html = msg.html?.trim() ? msg.html : '';
  const attachments = msg.attachments ?? [];
  const parts: Part[] = [];
  if (attachments.length === 0) {
    if (!html) throw new OutgoingInvalidError('a message needs text or an attachment', '/content');
    for (const text of splitHtml(html))
      parts.push({ kind: 'text', html: text, buttons: false, replyTo: false });
  } else {
    const groups = groupAttachments(attachments);
    const lastIsAlbum = groups[groups.length - 1]!.length > 1;
    // With buttons and an album last, the caption would sit where no keyboard can go: send it as text after the media.
    const captionOnMedia = html !== '' && !(msg.buttons && lastIsAlbum);
    const { caption, rest } = captionOnMedia ? splitCaption(html) : { caption: '', rest: [] as string[] };
    groups.forEach((g, i) => {
      const cap = i === 0 ? caption : '';
      if (g.length === 1)
        parts.push({ kind: 'media', attachment: g[0]!, caption: cap, buttons: false, replyTo: false });
      else parts.push({ kind: 'album', items: g, caption: cap, replyTo: false });
    });
    const texts = captionOnMedia ? rest : html ? splitHtml(html) : [];
    for (const text of texts) parts.push({ kind: 'text', html: text, buttons: false, replyTo: false });
  }
  const first = parts[0]!;
  first.replyTo = msg.replyToMessageId !== undefined;
  if (msg.buttons) {
    const last = parts[parts.length - 1]!;
    if (last.kind === 'album')
      throw new OutgoingInvalidError(
        'buttons cannot go on an album: add text to carry them (it is sent after the album)',
        '/buttons',
      );
    last.buttons = true;
  }
  return parts;
}

/** Checks buttons against Telegram's rules; an empty list when they are fine. */
export function validateButtons(buttons: OutgoingButtons): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (buttons.kind === 'remove') return problems;
  if (buttons.rows.length === 0 || buttons.rows.every((r) => r.length === 0))
    problems.push({ path: '/buttons/rows', message: 'at least one button is needed' });
  for (const [r, row] of buttons.rows.entries())
    for (const [c, b] of row.entries()) {
      const path = `/buttons/rows/${r}/${c}`;
      if (!b.text.trim()) problems.push({ path: `${path}/text`, message: 'button text is empty' });
      if (buttons.kind !== 'inline' || !('kind' in b)) continue;
      if (b.kind === 'callback') {
        const bytes = Buffer.byteLength(b.data, 'utf8');
        if (bytes < 1 || bytes > CALLBACK_DATA_MAX_BYTES)
          problems.push({
            path: `${path}/data`,
            message: `callback data must be 1 to ${CALLBACK_DATA_MAX_BYTES} bytes (UTF-8), got ${bytes}`,
          });
      } else if (!/^(https?|tg):\/\/\S+$/i.test(b.url)) {
        problems.push({ path: `${path}/url`, message: 'must be an http(s):// or tg:// URL' });
      }
    }
  if (buttons.kind === 'reply' && buttons.placeholder !== undefined && buttons.placeholder.length > 64)
    problems.push({ path: '/buttons/placeholder', message: 'at most 64 characters' });
  return problems;
}

/** Telegram's reply_markup for our buttons. */
export function replyMarkup(buttons: OutgoingButtons): Record<string, unknown> {
  if (buttons.kind === 'remove') return { remove_keyboard: true };
  if (buttons.kind === 'inline')
    return {
      inline_keyboard: buttons.rows.map((row) =>
        row.map((b) =>
          b.kind === 'url' ? { text: b.text, url: b.url } : { text: b.text, callback_data: b.data },
        ),
      ),
    };
  return {
    keyboard: buttons.rows.map((row) =>
      row.map((b) => ({
        text: b.text,
        ...(b.requestContact ? { request_contact: true } : {}),
        ...(b.requestLocation ? { request_location: true } : {}),
      })),
    ),
    ...(buttons.oneTime ? { one_time_keyboard: true } : {}),
    ...(buttons.resize !== false ? { resize_keyboard: true } : {}),
    ...(buttons.placeholder ? { input_field_placeholder: buttons.placeholder } : {}),
  };
}

/** Bot API method and the field holding the file, per attachment kind. */
export const MEDIA_METHOD: Record<OutgoingAttachment['kind'], { method: string; field: string }> = {
  photo: { method: 'sendPhoto', field: 'photo' },
  document: { method: 'sendDocument', field: 'document' },
  video: { method: 'sendVideo', field: 'video' },
  audio: { method: 'sendAudio', field: 'audio' },
  voice: { method: 'sendVoice', field: 'voice' },
};

/** Telegram wants numeric chat ids as numbers (a numeric string is "chat not found" for some methods); @names stay strings. */
export function chatIdParam(chatExternalId: string): number | string {
  return /^-?\d{1,16}$/.test(chatExternalId) ? Number(chatExternalId) : chatExternalId;
}

/** Negative ids and @channel names are groups, supergroups or channels; positive ids are private chats. */
export function chatKindOf(chatExternalId: string): 'private' | 'group' {
  return chatExternalId.startsWith('-') || chatExternalId.startsWith('@') ? 'group' : 'private';
}

/** How many messages a part creates, i.e. how many rate-limit slots it needs. */
export function partSize(part: Part): number {
  return part.kind === 'album' ? part.items.length : 1;
}

/**
 * The request of one part: method and payload. `file` turns an attachment into what goes in the media field (the adapter
 * gives an InputFile over our storage, so uploads are multipart; tests give a marker).
 */
export function partRequest(
  part: Part,
  msg: OutgoingMessage,
  file: (a: OutgoingAttachment) => unknown,
): { method: string; payload: Record<string, unknown> } {
  const common: Record<string, unknown> = { chat_id: chatIdParam(msg.chatExternalId) };
  if (part.replyTo && msg.replyToMessageId !== undefined)
    common.reply_parameters = {
      message_id: Number(msg.replyToMessageId),
      // The customer may have deleted the message we answer; the answer must still go out.
      allow_sending_without_reply: true,
    };
  if (msg.silent) common.disable_notification = true;
  if (msg.paidBroadcast) common.allow_paid_broadcast = true;
  if (part.kind !== 'album' && part.buttons && msg.buttons) common.reply_markup = replyMarkup(msg.buttons);
  const caption = (text: string) => (text ? { caption: text, parse_mode: 'HTML' } : {});
  switch (part.kind) {
    case 'text':
      return { method: 'sendMessage', payload: { ...common, text: part.html, parse_mode: 'HTML' } };
    case 'media': {
      const { method, field } = MEDIA_METHOD[part.attachment.kind];
      return {
        method,
        payload: { ...common, [field]: file(part.attachment), ...caption(part.caption) },
      };
    }
    case 'album':
      return {
        method: 'sendMediaGroup',
        payload: {
          ...common,
          media: part.items.map((a, i) => ({
            type: a.kind,
            media: file(a),
            ...(i === 0 ? caption(part.caption) : {}),
          })),
        },
      };
  }
}
