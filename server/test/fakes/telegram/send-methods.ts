import { randomBytes } from 'node:crypto';
import { mediaObject, messageCaption, messageText } from './content.ts';
import type { FakeBot } from './fake-bot.ts';
import { badRequest, type Json, TelegramError } from './types.ts';

/** Send methods and the field carrying their content; each produces one Message. */
export const MEDIA_METHODS: Record<string, string> = {
  sendPhoto: 'photo',
  sendDocument: 'document',
  sendVideo: 'video',
  sendAudio: 'audio',
  sendVoice: 'voice',
  sendAnimation: 'animation',
  sendSticker: 'sticker',
  sendVideoNote: 'video_note',
};

/** Reads chat_id and checks it exists (when chats are modelled). */
export function targetChat(bot: FakeBot, params: Json): number | string {
  const chatId = params.chat_id;
  if (chatId === undefined || chatId === null || chatId === '') throw badRequest('chat_id is empty');
  if (typeof chatId !== 'number' && typeof chatId !== 'string') throw badRequest('chat not found');
  if (typeof chatId === 'string' && !chatId.startsWith('@')) throw badRequest('chat not found');
  if (bot.knownChats && !bot.knownChats.has(chatId)) throw badRequest('chat not found');
  return chatId;
}

/** 400 for a reply to an unknown message, then 403 for a user who blocked the bot, then 429 when over a limit; counts it otherwise. */
export function admit(
  bot: FakeBot,
  method: string,
  chatId: number | string,
  params: Json,
  count = 1,
  chatCount = count,
): void {
  const replyTo = replyTarget(params);
  if (
    replyTo !== undefined &&
    !bot.findMessage(chatId, replyTo) &&
    params.allow_sending_without_reply !== true
  ) {
    throw badRequest('message to be replied not found');
  }
  if (typeof chatId === 'number' && chatId > 0 && bot.blocked.has(String(chatId))) {
    throw new TelegramError(403, 'Forbidden: bot was blocked by the user');
  }
  if (!bot.enforceLimits) return;
  const now = bot.deps.clock();
  const verdict = bot.limiter.take(chatId, now, count, chatCount, params.allow_paid_broadcast === true);
  if (!verdict) return;
  const description = `Too Many Requests: retry after ${verdict.retryAfter}`;
  bot.rejected.push({
    method,
    chatId,
    retryAfter: verdict.retryAfter,
    description,
    limit: verdict.limit,
    at: now,
  });
  throw new TelegramError(429, description, { retry_after: verdict.retryAfter });
}

function replyTarget(params: Json): number | undefined {
  const replyParams = params.reply_parameters as { message_id?: number } | undefined;
  const replyTo = replyParams?.message_id ?? params.reply_to_message_id;
  return typeof replyTo === 'number' ? replyTo : undefined;
}

/** The fields every sent Message shares, plus reply_to_message and an inline keyboard when given. */
function envelope(bot: FakeBot, chatId: number | string, params: Json): Json {
  const chat = bot.chat(chatId);
  const message: Json = {
    message_id: bot.nextMessageId(chatId),
    from: bot.user(),
    chat,
    date: Math.floor(bot.deps.clock() / 1000),
  };
  const replyTo = replyTarget(params);
  const original = replyTo === undefined ? undefined : bot.findMessage(chatId, replyTo);
  if (original) message.reply_to_message = original;
  const markup = params.reply_markup as { inline_keyboard?: unknown } | undefined;
  if (markup?.inline_keyboard) message.reply_markup = { inline_keyboard: markup.inline_keyboard };
  return message;
}

/** Records an accepted call and stores its messages. */
function accept(bot: FakeBot, method: string, chatId: number | string, params: Json, messages: Json[]): void {
  for (const m of messages) bot.storeMessage(chatId, m);
  bot.sent.push({ method, chatId, params, at: bot.deps.clock() });
}

/** sendMessage. */
export function sendMessage(bot: FakeBot, params: Json): Json {
  const chatId = targetChat(bot, params);
  const content = messageText(params);
  admit(bot, 'sendMessage', chatId, params);
  const message = { ...envelope(bot, chatId, params), ...content };
  accept(bot, 'sendMessage', chatId, params, [message]);
  return message;
}

/** sendPhoto, sendDocument, sendVideo, sendAudio, sendVoice, sendAnimation, sendSticker, sendVideoNote. */
export function sendMedia(bot: FakeBot, method: string, params: Json): Json {
  const kind = MEDIA_METHODS[method] as string;
  const chatId = targetChat(bot, params);
  const caption = messageCaption(params.caption, params.parse_mode, params.caption_entities);
  const file = mediaObject(bot, kind, params[kind], params);
  admit(bot, method, chatId, params);
  const message = { ...envelope(bot, chatId, params), [kind]: file, ...caption };
  accept(bot, method, chatId, params, [message]);
  return message;
}

/** sendLocation and sendContact. */
export function sendPlain(bot: FakeBot, method: string, params: Json): Json {
  const chatId = targetChat(bot, params);
  const content: Json =
    method === 'sendLocation'
      ? { location: { latitude: Number(params.latitude), longitude: Number(params.longitude) } }
      : {
          contact: {
            phone_number: String(params.phone_number ?? ''),
            first_name: String(params.first_name ?? ''),
          },
        };
  admit(bot, method, chatId, params);
  const message = { ...envelope(bot, chatId, params), ...content };
  accept(bot, method, chatId, params, [message]);
  return message;
}

/**
 * sendMediaGroup: 2–10 photos/videos/documents/audios. Each item counts as one message against the bot's 30/s, the album as one
 * message against the chat's limits (Telegram delivers an album of up to 10 to a user at once).
 */
export function sendMediaGroup(bot: FakeBot, params: Json): Json[] {
  const chatId = targetChat(bot, params);
  const media = params.media;
  if (!Array.isArray(media) || media.length === 0) throw badRequest('parameter "media" is required');
  if (media.length < 2 || media.length > 10) throw badRequest('media group must contain 2-10 items');
  const captions = media.map((item: Json) =>
    messageCaption(item.caption, item.parse_mode, item.caption_entities),
  );
  const kinds = media.map((item: Json) => String(item.type ?? 'photo'));
  const files = media.map((item: Json, i) => mediaObject(bot, kinds[i] as string, item.media, params));
  admit(bot, 'sendMediaGroup', chatId, params, media.length, 1);
  const groupId = BigInt(`0x${randomBytes(7).toString('hex')}`).toString();
  const messages = media.map((_item, i) => ({
    ...envelope(bot, chatId, i === 0 ? params : {}),
    media_group_id: groupId,
    [kinds[i] as string]: files[i],
    ...captions[i],
  }));
  accept(bot, 'sendMediaGroup', chatId, params, messages);
  return messages;
}
