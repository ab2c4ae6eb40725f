import type {
  ChatRef,
  IncomingAttachment,
  IncomingEvent,
  MembershipChange,
  MessageContent,
  SenderRef,
  TextEntity,
} from '../channel.ts';

/**
 * Maps a Telegram Update (as the Bot API sends it, JSON-parsed) to a channel-neutral IncomingEvent. Pure.
 * Returns null for what we deliberately ignore:
 * - channel_post / edited_channel_post: a channel's own broadcasts have no person to talk with;
 * - service messages (members joined or left, title or photo changed, pins…): group bookkeeping, not conversation;
 * - inline queries, polls, payments, business and reaction updates: not subscribed to (allowed_updates);
 * - anything malformed (missing chat or sender), so one bad update never blocks the ones after it.
 * Content we do not model (polls, dice, games, stories…) still maps to a message with rawKind "unsupported",
 * so the conversation shows that the person said something.
 */

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function id(v: unknown): string | undefined {
  return typeof v === 'number' && Number.isInteger(v)
    ? String(v)
    : typeof v === 'string' && v
      ? v
      : undefined;
}
/** Drops undefined fields so events compare and serialize cleanly. */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
function date(v: unknown): Date | undefined {
  const s = num(v);
  return s === undefined ? undefined : new Date(s * 1000);
}

/** A Telegram User as a sender. */
function sender(v: unknown): SenderRef | undefined {
  const u = obj(v);
  const externalId = id(u?.id);
  const firstName = str(u?.first_name);
  if (!u || !externalId || firstName === undefined) return undefined;
  return clean({
    externalId,
    firstName,
    lastName: str(u.last_name),
    username: str(u.username),
    languageCode: str(u.language_code),
    isBot: u.is_bot === true,
  });
}

/** A Telegram Chat; channels are not chats we converse in. */
function chat(v: unknown): ChatRef | undefined {
  const c = obj(v);
  const externalId = id(c?.id);
  if (!c || !externalId) return undefined;
  if (c.type === 'private') return { externalId, kind: 'private' };
  if (c.type === 'group' || c.type === 'supergroup')
    return clean<ChatRef>({ externalId, kind: 'group', title: str(c.title) });
  return undefined;
}

function entities(v: unknown): TextEntity[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: TextEntity[] = [];
  for (const item of v) {
    const e = obj(item);
    const type = str(e?.type);
    const offset = num(e?.offset);
    const length = num(e?.length);
    if (!e || !type || offset === undefined || length === undefined) continue;
    out.push(
      clean({
        type,
        offset,
        length,
        url: str(e.url),
        userId: id(obj(e.user)?.id),
        language: str(e.language),
        customEmojiId: str(e.custom_emoji_id),
      }),
    );
  }
  return out.length ? out : undefined;
}

/** A Telegram file object (PhotoSize, Document, Video…) as an attachment. */
function file(kind: IncomingAttachment['kind'], v: unknown): IncomingAttachment | undefined {
  const f = obj(v);
  const fileId = str(f?.file_id);
  const fileUniqueId = str(f?.file_unique_id);
  if (!f || !fileId || !fileUniqueId) return undefined;
  return clean({
    kind,
    fileId,
    fileUniqueId,
    fileName: str(f.file_name),
    mimeType: str(f.mime_type),
    size: num(f.file_size),
    width: num(f.width),
    height: num(f.height),
    duration: num(f.duration),
  });
}

/** The largest of the sizes Telegram offers for a photo (the array is not guaranteed to be sorted). */
function largestPhoto(v: unknown): IncomingAttachment | undefined {
  if (!Array.isArray(v)) return undefined;
  const area = (p: Json) => (num(p.width) ?? 0) * (num(p.height) ?? 0) || (num(p.file_size) ?? 0);
  const sizes = v.map(obj).filter((p): p is Json => p !== undefined);
  const best = sizes.reduce<Json | undefined>((a, b) => (a && area(a) >= area(b) ? a : b), undefined);
  return file('photo', best);
}

/** File fields in precedence order: animation before document, because animation messages carry both. */
const FILE_KINDS = ['animation', 'video', 'voice', 'audio', 'sticker', 'document'] as const;

/** Message fields that mark group bookkeeping rather than something a person said. */
const SERVICE_FIELDS = [
  'new_chat_members',
  'left_chat_member',
  'new_chat_title',
  'new_chat_photo',
  'delete_chat_photo',
  'group_chat_created',
  'supergroup_chat_created',
  'channel_chat_created',
  'message_auto_delete_timer_changed',
  'pinned_message',
  'forum_topic_created',
  'forum_topic_edited',
  'forum_topic_closed',
  'forum_topic_reopened',
  'video_chat_started',
  'video_chat_ended',
  'video_chat_scheduled',
  'video_chat_participants_invited',
  'boost_added',
  'chat_background_set',
  'users_shared',
  'chat_shared',
  'write_access_allowed',
];

const START = /^\/start(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/;

/** Maps a Message object; null for service messages and chats we do not converse in. */
function content(m: Json): MessageContent | null {
  const c = chat(m.chat);
  const s = sender(m.from);
  const messageId = id(m.message_id);
  const sentAt = date(m.date);
  if (!c || !s || !messageId || !sentAt) return null;
  if (SERVICE_FIELDS.some((f) => m[f] !== undefined)) return null;

  const attachments: IncomingAttachment[] = [];
  let rawKind = 'unsupported';
  const photo = largestPhoto(m.photo);
  if (photo) {
    attachments.push(photo);
    rawKind = 'photo';
  } else {
    for (const kind of FILE_KINDS) {
      const f = file(kind, m[kind]);
      if (f) {
        attachments.push(f);
        rawKind = kind;
        break;
      }
    }
  }
  const text = str(m.text) ?? str(m.caption);
  const loc = obj(m.location);
  const latitude = num(loc?.latitude);
  const longitude = num(loc?.longitude);
  const location =
    latitude !== undefined && longitude !== undefined
      ? clean({ latitude, longitude, horizontalAccuracy: num(loc?.horizontal_accuracy) })
      : undefined;
  const card = obj(m.contact);
  const phoneNumber = str(card?.phone_number);
  const contactCard =
    card && phoneNumber
      ? clean({
          phoneNumber,
          firstName: str(card.first_name) ?? '',
          lastName: str(card.last_name),
          userExternalId: id(card.user_id),
          vcard: str(card.vcard),
        })
      : undefined;
  if (rawKind === 'unsupported') {
    if (location) rawKind = m.venue ? 'venue' : 'location';
    else if (contactCard) rawKind = 'contact';
    else if (str(m.text) !== undefined) rawKind = 'text';
  }
  const start = str(m.text) !== undefined ? START.exec(m.text as string) : null;
  const payload = start?.[1]?.trim();
  return clean({
    messageId,
    chat: c,
    sender: s,
    sentAt,
    text,
    entities: entities(m.entities) ?? entities(m.caption_entities),
    attachments,
    location,
    contactCard,
    mediaGroupId: str(m.media_group_id),
    replyToMessageId: id(obj(m.reply_to_message)?.message_id),
    isStart: start ? (true as const) : undefined,
    startPayload: payload || undefined,
    rawKind,
  });
}

/** my_chat_member: what happened to our bot in that chat, or null if nothing that matters changed. */
function membership(u: Json): IncomingEvent | null {
  const c = chat(u.chat);
  const actor = sender(u.from);
  const at = date(u.date);
  const old = obj(u.old_chat_member);
  const now = obj(u.new_chat_member);
  const before = str(old?.status);
  const after = str(now?.status);
  if (!c || !actor || !at || !before || !after) return null;
  // "restricted" members may or may not be in the chat: is_member says which.
  const present = (s: string, m: Json | undefined) =>
    s === 'member' ||
    s === 'administrator' ||
    s === 'creator' ||
    (s === 'restricted' && m?.is_member === true);
  let change: MembershipChange | null = null;
  if (c.kind === 'private') change = after === 'kicked' ? 'blocked' : after === 'member' ? 'unblocked' : null;
  else if (present(after, now) && !present(before, old)) change = 'bot_added';
  else if (!present(after, now) && present(before, old)) change = 'bot_removed';
  return change ? { type: 'membership', change, chat: c, actor, at } : null;
}

/** A service message announcing a group → supergroup move, from either side. */
function migration(m: Json): IncomingEvent | null {
  const here = id(obj(m.chat)?.id);
  const to = id(m.migrate_to_chat_id);
  const from = id(m.migrate_from_chat_id);
  if (here && to) return { type: 'chat_migrated', fromChatExternalId: here, toChatExternalId: to };
  if (here && from) return { type: 'chat_migrated', fromChatExternalId: from, toChatExternalId: here };
  return null;
}

/** Maps one Telegram Update to a channel-neutral event, or null when it is ignored or malformed. */
export function mapUpdate(update: unknown): IncomingEvent | null {
  const u = obj(update);
  if (!u) return null;
  const message = obj(u.message);
  if (message) {
    const migrated = migration(message);
    if (migrated) return migrated;
    const c = content(message);
    return c ? { type: 'message', ...c } : null;
  }
  const edited = obj(u.edited_message);
  if (edited) {
    const c = content(edited);
    const editedAt = date(edited.edit_date);
    if (!c) return null;
    // Editing "/start" text is not a new start: only new messages (re)subscribe.
    const { isStart: _start, startPayload: _payload, ...rest } = c;
    return { type: 'message_edited', ...rest, editedAt: editedAt ?? c.sentAt };
  }
  const callback = obj(u.callback_query);
  if (callback) {
    const callbackQueryId = str(callback.id);
    const s = sender(callback.from);
    if (!callbackQueryId || !s) return null;
    const msg = obj(callback.message);
    return clean({
      type: 'callback' as const,
      callbackQueryId,
      data: str(callback.data),
      messageId: id(msg?.message_id),
      chat: chat(msg?.chat),
      sender: s,
    });
  }
  const member = obj(u.my_chat_member);
  if (member) return membership(member);
  return null;
}
