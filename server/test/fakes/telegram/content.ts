import { randomBytes } from 'node:crypto';
import type { FakeBot } from './fake-bot.ts';
import { parseHtml } from './html-mode.ts';
import { isUpload } from './request-body.ts';
import { badRequest, type Json } from './types.ts';

/** Telegram's documented length limits, counted after entity parsing. */
export const MAX_TEXT = 4096;
/** Caption limit for media messages. */
export const MAX_CAPTION = 1024;

/** Text or caption after parse_mode, with entities as Telegram would return them. */
export function formatted(
  raw: unknown,
  parseMode: unknown,
  entities: unknown,
): { text: string; entities?: Json[] } {
  const source = typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw);
  if (parseMode === 'HTML') {
    const parsed = parseHtml(source);
    return parsed.entities.length > 0 ? parsed : { text: parsed.text };
  }
  // MarkdownV2 is not modelled: the text is echoed as sent.
  return Array.isArray(entities) && entities.length > 0
    ? { text: source, entities: entities as Json[] }
    : { text: source };
}

/** The text part of sendMessage / editMessageText, with Telegram's 400s. */
export function messageText(params: Json): Json {
  const { text, entities } = formatted(params.text, params.parse_mode, params.entities);
  if (text.trim() === '') throw badRequest('message text is empty');
  if (text.length > MAX_TEXT) throw badRequest('message is too long');
  return entities ? { text, entities } : { text };
}

/** The caption part of a media message, with Telegram's 400 above 1024 characters. */
export function messageCaption(caption: unknown, parseMode: unknown, entities: unknown): Json {
  if (caption === undefined || caption === null || caption === '') return {};
  const parsed = formatted(caption, parseMode, entities);
  if (parsed.text.length > MAX_CAPTION) throw badRequest('message caption is too long');
  return parsed.entities
    ? { caption: parsed.text, caption_entities: parsed.entities }
    : { caption: parsed.text };
}

const KIND_PATH: Record<string, string> = {
  photo: 'photos',
  document: 'documents',
  video: 'videos',
  audio: 'music',
  voice: 'voice',
  animation: 'animations',
  sticker: 'stickers',
  video_note: 'video_notes',
};

/**
 * Resolves a media field (an uploaded part, `attach://name`, a file_id or a URL) to the object Telegram puts in the Message.
 * Uploads are stored so getFile and the download route serve them back.
 */
export function mediaObject(bot: FakeBot, kind: string, value: unknown, params: Json): Json | Json[] {
  let input = value;
  if (typeof input === 'string' && input.startsWith('attach://')) {
    input = params[input.slice('attach://'.length)];
    if (!isUpload(input)) throw badRequest('wrong file identifier/HTTP URL specified');
  }
  let file: { fileId: string; fileUniqueId: string; size: number };
  let fileName: string | undefined;
  let mime: string | undefined;
  if (isUpload(input)) {
    const ext = input.filename.includes('.') ? input.filename.slice(input.filename.lastIndexOf('.')) : '';
    file = bot.files.add({
      bytes: input.bytes,
      filePath: `${KIND_PATH[kind] ?? 'documents'}/file_${randomBytes(4).toString('hex')}${ext}`,
    });
    fileName = input.filename;
    mime = input.contentType;
  } else if (typeof input === 'string' && input !== '') {
    // A file_id or URL: reuse a registered file, otherwise accept it (the fake does not fetch URLs).
    file =
      bot.files.get(input) ??
      bot.files.add({ bytes: Buffer.alloc(0), fileId: input.startsWith('http') ? undefined : input });
  } else {
    throw badRequest(`there is no ${kind} in the request`);
  }
  const base: Json = { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.size };
  switch (kind) {
    case 'photo':
      return [{ ...base, width: 1280, height: 720 }];
    case 'video':
    case 'animation':
      return {
        ...base,
        width: 1280,
        height: 720,
        duration: 1,
        mime_type: mime ?? 'video/mp4',
        ...named(fileName),
      };
    case 'audio':
      return { ...base, duration: 1, mime_type: mime ?? 'audio/mpeg', ...named(fileName) };
    case 'voice':
      return { ...base, duration: 1, mime_type: mime ?? 'audio/ogg' };
    case 'sticker':
      return { ...base, type: 'regular', width: 512, height: 512, is_animated: false, is_video: false };
    case 'video_note':
      return { ...base, length: 240, duration: 1 };
    default:
      return { ...base, mime_type: mime ?? 'application/octet-stream', ...named(fileName) };
  }
}

function named(fileName: string | undefined): Json {
  return fileName ? { file_name: fileName } : {};
}
