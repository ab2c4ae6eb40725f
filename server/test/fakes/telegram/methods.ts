import { messageCaption, messageText } from './content.ts';
import type { FakeBot } from './fake-bot.ts';
import {
  MEDIA_METHODS,
  sendMedia,
  sendMediaGroup,
  sendMessage,
  sendPlain,
  targetChat,
} from './send-methods.ts';
import { badRequest, type Json, TelegramError } from './types.ts';

type Handler = (bot: FakeBot, params: Json, method: string) => unknown;

// Reads and webhook management are not "outgoing" and stay out of bot.sent.
function record(bot: FakeBot, method: string, chatId: number | string | null, params: Json): true {
  bot.sent.push({ method, chatId, params, at: bot.deps.clock() });
  return true;
}

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

function editTarget(bot: FakeBot, params: Json): { chatId: number | string; message: Json } | null {
  if (typeof params.inline_message_id === 'string') return null;
  const chatId = targetChat(bot, params);
  if (typeof params.message_id !== 'number') throw badRequest('message identifier is not specified');
  const message = bot.findMessage(chatId, params.message_id);
  if (!message) throw badRequest('message to edit not found');
  return { chatId, message };
}

function applyEdit(
  bot: FakeBot,
  method: string,
  params: Json,
  target: { chatId: number | string; message: Json },
  patch: Json,
): Json {
  const markup = params.reply_markup as { inline_keyboard?: unknown } | undefined;
  if (markup?.inline_keyboard) patch.reply_markup = { inline_keyboard: markup.inline_keyboard };
  const before = JSON.stringify(target.message);
  const after: Json = { ...target.message, ...patch };
  if (!patch.reply_markup && params.reply_markup === undefined) delete after.reply_markup;
  const { edit_date: _a, ...beforeCmp } = JSON.parse(before) as Json;
  const { edit_date: _b, ...afterCmp } = after;
  if (JSON.stringify(beforeCmp) === JSON.stringify(afterCmp)) throw badRequest(NOT_MODIFIED);
  after.edit_date = Math.floor(bot.deps.clock() / 1000);
  bot.storeMessage(target.chatId, after);
  record(bot, method, target.chatId, params);
  return after;
}

/** Every method the fake answers; anything else is 404 Not Found, as Telegram does. */
export const METHODS: Record<string, Handler> = {
  getMe: (bot) => ({
    ...bot.user(),
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  }),
  getUpdates: (bot, params) => bot.updates.getUpdates(params),
  setWebhook: (bot, params) => {
    bot.updates.setWebhook(params);
    return true;
  },
  deleteWebhook: (bot, params) => {
    bot.updates.deleteWebhook(params);
    return true;
  },
  getWebhookInfo: (bot) => bot.updates.webhookInfo(),
  getFile: (bot, params) => bot.files.getFile(params),
  sendMessage: (bot, params) => sendMessage(bot, params),
  ...Object.fromEntries(
    Object.keys(MEDIA_METHODS).map((m) => [m, (bot: FakeBot, p: Json) => sendMedia(bot, m, p)]),
  ),
  sendLocation: (bot, params, method) => sendPlain(bot, method, params),
  sendContact: (bot, params, method) => sendPlain(bot, method, params),
  sendMediaGroup: (bot, params) => sendMediaGroup(bot, params),
  editMessageText: (bot, params, method) => {
    const target = editTarget(bot, params);
    const content = messageText(params);
    if (!target) return record(bot, method, null, params);
    if (typeof target.message.text !== 'string') throw badRequest('there is no text in the message to edit');
    const patch: Json = { ...content };
    if (!content.entities) patch.entities = undefined;
    return applyEdit(bot, method, params, target, patch);
  },
  editMessageCaption: (bot, params, method) => {
    const target = editTarget(bot, params);
    const caption = messageCaption(params.caption, params.parse_mode, params.caption_entities);
    if (!target) return record(bot, method, null, params);
    return applyEdit(bot, method, params, target, {
      caption: undefined,
      caption_entities: undefined,
      ...caption,
    });
  },
  editMessageReplyMarkup: (bot, params, method) => {
    const target = editTarget(bot, params);
    if (!target) return record(bot, method, null, params);
    return applyEdit(bot, method, params, target, {});
  },
  deleteMessage: (bot, params, method) => {
    const chatId = targetChat(bot, params);
    const id = params.message_id;
    if (typeof id !== 'number' || !bot.messages.get(String(chatId))?.delete(id)) {
      throw badRequest('message to delete not found');
    }
    return record(bot, method, chatId, params);
  },
  sendChatAction: (bot, params, method) => {
    const chatId = targetChat(bot, params);
    if (typeof params.action !== 'string' || params.action === '') throw badRequest('action is empty');
    if (typeof chatId === 'number' && chatId > 0 && bot.blocked.has(String(chatId))) {
      throw new TelegramError(403, 'Forbidden: bot was blocked by the user');
    }
    return record(bot, method, chatId, params);
  },
  answerCallbackQuery: (bot, params, method) => {
    if (typeof params.callback_query_id !== 'string' || params.callback_query_id === '') {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    record(bot, method, null, params);
    return true;
  },
  setMyCommands: (bot, params, method) => record(bot, method, null, params),
  deleteMyCommands: (bot, params, method) => record(bot, method, null, params),
};
