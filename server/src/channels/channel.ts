/**
 * Channel-neutral shapes shared by every channel (Telegram now; email, web chat, WhatsApp, VK later).
 * Adapters map platform payloads into IncomingEvent and turn OutgoingMessage into platform calls, so the
 * steps in between (contacts, conversations, sending policy) never learn a platform's field names.
 * External ids are strings: platforms use 64-bit or non-numeric ids, and a string is never rounded.
 */

export { ChannelRejectedError, ChannelUnavailableError } from './errors.ts';

/** Where a message was said: a one-to-one chat, or a group that is its own conversation. */
export interface ChatRef {
  externalId: string;
  kind: 'private' | 'group';
  /** Group title; private chats have none. */
  title?: string;
}

/** Who said it, as the platform describes them; becomes or updates a contact identity. */
export interface SenderRef {
  externalId: string;
  firstName: string;
  lastName?: string;
  username?: string;
  /** IETF language tag the person's app uses, e.g. "en" or "ru". */
  languageCode?: string;
  isBot: boolean;
}

/** A formatting span of the text, offsets and lengths in UTF-16 code units, kept so formatting survives. */
export interface TextEntity {
  /** Platform entity type, e.g. "bold", "text_link", "bot_command". */
  type: string;
  offset: number;
  length: number;
  url?: string;
  /** For mentions of users without a username. */
  userId?: string;
  /** Programming language of a pre block. */
  language?: string;
  customEmojiId?: string;
}

/** The kinds of file a message can carry. */
export type AttachmentKind = 'photo' | 'document' | 'video' | 'voice' | 'audio' | 'sticker' | 'animation';

/** File metadata, stored at once; the bytes are fetched later by a job using fileId. */
export interface IncomingAttachment {
  kind: AttachmentKind;
  /** Id to download the file with; may change between bots and over time. */
  fileId: string;
  /** Stable id of the file, the same for every bot: use it to deduplicate. */
  fileUniqueId: string;
  fileName?: string;
  mimeType?: string;
  /** Bytes, when the platform says. */
  size?: number;
  width?: number;
  height?: number;
  /** Seconds, for video, voice, audio and animation. */
  duration?: number;
  /**
   * Set when the bytes came with the message (email) and are already in FileStorage under this key: the attachment is
   * recorded as stored, with no download job.
   */
  storageKey?: string;
}

/** A point on the map someone shared. */
export interface GeoLocation {
  latitude: number;
  longitude: number;
  /** Radius of uncertainty in metres. */
  horizontalAccuracy?: number;
}

/** A phone contact someone shared (not necessarily their own). */
export interface ContactCard {
  phoneNumber: string;
  firstName: string;
  lastName?: string;
  /** The platform's user id of that contact, when it has one. */
  userExternalId?: string;
  vcard?: string;
}

/** What a received message says; shared by new and edited messages. */
export interface MessageContent {
  /** The platform's id of the message, unique within its chat. */
  messageId: string;
  chat: ChatRef;
  sender: SenderRef;
  sentAt: Date;
  /** Text, or the caption of a media message. */
  text?: string;
  entities?: TextEntity[];
  attachments: IncomingAttachment[];
  location?: GeoLocation;
  contactCard?: ContactCard;
  /** Set on each message of an album: they arrive one by one and share this id. */
  mediaGroupId?: string;
  /** The message this one answers, in the same chat. */
  replyToMessageId?: string;
  /** Set when the message is a /start command (with or without a deep-link payload). */
  isStart?: true;
  /** The deep-link payload of /start, e.g. "promo_42" from t.me/bot?start=promo_42. */
  startPayload?: string;
  /** What the platform called this message, e.g. "text", "photo", "unsupported" (for logs and the inbox). */
  rawKind: string;
  /**
   * The conversation the platform says this message continues (email: the reply token or In-Reply-To/References), when
   * it names one of ours on this channel: the message goes there instead of to the chat's current conversation.
   */
  threadConversationId?: string;
  /** Channel-specific facts kept as they are in content_attributes (email: `email` headers and the full text). */
  channelAttributes?: Record<string, unknown>;
}

/** A new message from a person. */
export interface IncomingMessageEvent extends MessageContent {
  type: 'message';
}

/** A new version of a message received earlier; replaces its content and marks it edited. */
export interface IncomingEditEvent extends MessageContent {
  type: 'message_edited';
  editedAt: Date;
}

/** A tap on a callback button we sent. */
export interface IncomingCallbackEvent {
  type: 'callback';
  /** Must be answered (Telegram shows a spinner until then). */
  callbackQueryId: string;
  /** The button's data; absent for game buttons. */
  data?: string;
  /** The message carrying the button; absent for messages sent via inline mode. */
  messageId?: string;
  chat?: ChatRef;
  sender: SenderRef;
}

/** How our bot's membership in a chat changed. */
export type MembershipChange = 'blocked' | 'unblocked' | 'bot_added' | 'bot_removed';

/** A person blocked/unblocked the bot (private chat), or the bot was added to/removed from a group. */
export interface IncomingMembershipEvent {
  type: 'membership';
  change: MembershipChange;
  chat: ChatRef;
  /** Who made the change: the person themselves in private chats, an admin in groups. */
  actor: SenderRef;
  at: Date;
}

/** A group moved to a new id (Telegram: group upgraded to supergroup); its history follows it. */
export interface IncomingChatMigratedEvent {
  type: 'chat_migrated';
  fromChatExternalId: string;
  toChatExternalId: string;
}

/** Everything a channel can report; adapters return null for updates we deliberately ignore. */
export type IncomingEvent =
  | IncomingMessageEvent
  | IncomingEditEvent
  | IncomingCallbackEvent
  | IncomingMembershipEvent
  | IncomingChatMigratedEvent;

/** A button under a message: opens a link, or reports a tap back to us with data. */
export type InlineButton =
  | { kind: 'url'; text: string; url: string }
  | { kind: 'callback'; text: string; data: string };

/** A button of the keyboard replacing the person's keyboard; tapping it sends its text. */
export interface ReplyButton {
  text: string;
  requestContact?: boolean;
  requestLocation?: boolean;
}

/** Buttons attached to an outgoing message. */
export type OutgoingButtons =
  | { kind: 'inline'; rows: InlineButton[][] }
  | { kind: 'reply'; rows: ReplyButton[][]; oneTime?: boolean; resize?: boolean; placeholder?: string }
  | { kind: 'remove' };

/** A file we send, read from our own storage (uploaded, never passed by public URL). */
export interface OutgoingAttachment {
  kind: 'photo' | 'document' | 'video' | 'audio' | 'voice';
  storageKey: string;
  fileName?: string;
  mimeType?: string;
}

/** One message to send through a channel. */
export interface OutgoingMessage {
  chatExternalId: string;
  /** Text in the channel's HTML subset; everything inserted from data must go through escapeHtml. */
  html?: string;
  replyToMessageId?: string;
  buttons?: OutgoingButtons;
  /** Several attachments go out as one album where the platform has them. */
  attachments?: OutgoingAttachment[];
  /** Deliver without a notification sound. */
  silent?: boolean;
  /**
   * Telegram's paid broadcast (`allow_paid_broadcast`): the message may go beyond the free limit of about 30 messages a second,
   * for a fee in Stars from the bot's balance. Set by the Telegram adapter when the channel's rate exceeds the free limit.
   */
  paidBroadcast?: boolean;
}

/** What a send produced: the first message's id, plus any more the platform needed (split text, albums). */
export interface SendResult {
  externalId: string;
  /** Every message id created, in order, starting with externalId. */
  externalIds: string[];
}

/**
 * Per-part progress of a send that takes several platform calls (split text, caption overflow, albums), so a retry after a
 * crash or a failure resumes after the parts already delivered instead of sending them again.
 */
export interface SendProgress {
  /** Message ids of the parts an earlier run delivered, one array per part in order; those parts are skipped. */
  delivered?: string[][];
  /** Called before a part's rate-limit slot is asked for and its request sent: from here the part is in doubt. */
  beforePart?(index: number, total: number): Promise<void>;
  /** Called when the platform accepted a part, with the ids it created. */
  afterPart?(index: number, ids: string[], total: number): Promise<void>;
  /** Called on each rate-limit refusal (the bot is paused and the same part retried): recorded, not a failure. */
  onRateLimited?(info: { retryAfterSeconds: number; description: string }): Promise<void>;
}

/** A message we sent earlier, as the platform knows it. */
export interface SentMessageRef {
  chatExternalId: string;
  externalId: string;
}

/**
 * The one way out for every feature. Implementations throw ChannelRejectedError (permanent)
 * or ChannelUnavailableError (retry later) and nothing else on platform failures.
 */
export interface ChannelAdapter {
  /** Sends a message; splits it when the platform's limits require, reporting each part through `progress`. */
  send(msg: OutgoingMessage, progress?: SendProgress): Promise<SendResult>;
  /** Replaces the text and inline buttons of a message we sent. */
  edit(ref: SentMessageRef, change: { html: string; buttons?: OutgoingButtons }): Promise<void>;
  /** Deletes a message we sent. */
  delete(ref: SentMessageRef): Promise<void>;
}
