import { type Api, InputFile } from 'grammy';
import type { FileStorage } from '../../storage/file-storage.ts';
import type {
  ChannelAdapter,
  OutgoingAttachment,
  OutgoingButtons,
  OutgoingMessage,
  SendProgress,
  SendResult,
  SentMessageRef,
} from '../channel.ts';
import { ChannelRejectedError, ChannelUnavailableError, classifyTelegramError } from '../errors.ts';
import { validateHtml, visibleText } from './telegram.html.ts';
import { type AcquireRequest, DEFAULT_RATE_POLICY, type TelegramLimiter } from './telegram.limiter.ts';
import {
  chatIdParam,
  chatKindOf,
  type Part,
  partRequest,
  partSize,
  planParts,
  replyMarkup,
} from './telegram.outgoing.ts';
import { FREE_MAX_PER_SECOND } from './telegram.settings.ts';
import { CAPTION_LIMIT, TEXT_LIMIT } from './telegram.split.ts';

/**
 * What the adapter needs of the limiter; the benchmark may pass one that grants at once. `dispatch` (the per-process
 * dispatch guard) is optional so such a gate need not have one.
 */
export type RateGate = Pick<TelegramLimiter, 'acquire' | 'pause'> &
  Partial<Pick<TelegramLimiter, 'dispatch'>>;

/** Chat actions Telegram shows while we prepare a reply. */
export type ChatAction =
  | 'typing'
  | 'upload_photo'
  | 'upload_video'
  | 'upload_voice'
  | 'upload_document'
  | 'record_video'
  | 'record_voice'
  | 'choose_sticker'
  | 'find_location';

/** 429s for one call before giving up with ChannelUnavailableError (each one paused the whole bot first). */
export const MAX_RATE_LIMITED_RETRIES = 5;

/**
 * A part's rate-limit needs: the chat, and how many messages it creates. An album counts one per item toward the bot's
 * rate but one message toward the chat's (Telegram delivers an album of up to 10 to a user at once).
 */
interface Rate {
  chatExternalId: string | null;
  count: number;
}

/**
 * Telegram's ChannelAdapter for one bot. Every call that puts a message in a chat first takes its slot from the limiter
 * (shared by all processes); a 429 pauses the whole bot for retry_after and the same call is retried after a new slot.
 * Other failures come out as ChannelRejectedError (permanent) or ChannelUnavailableError (retry later).
 * Plain constructor arguments: usable without the HTTP app or the job runner (benchmarks, scripts).
 */
export class TelegramAdapter implements ChannelAdapter {
  constructor(
    private readonly api: Api,
    private readonly limiter: RateGate,
    private readonly channelId: string,
    /** Where attachment bytes are read from; null when this process sends text only. */
    private readonly storage: FileStorage | null,
    private readonly priority: AcquireRequest['priority'] = 'interactive',
    /** The bot's messages per second (effectiveRatePerSecond of the channel's settings), for the dispatch guard. */
    private readonly ratePerSecond: number = DEFAULT_RATE_POLICY.defaultPerSecond,
  ) {}

  /**
   * A bot set to paid broadcasts with a rate above the free limit: the limiter lets its messages out faster than Telegram allows
   * for free, so every one of them must carry `allow_paid_broadcast` (each costs the bot 0.1 Star) or Telegram answers 429.
   */
  private get paid(): boolean {
    return this.ratePerSecond > FREE_MAX_PER_SECOND;
  }

  /** Sends the message as one or more calls (see planParts); resumes after `progress.delivered`. */
  async send(msg: OutgoingMessage, progress: SendProgress = {}): Promise<SendResult> {
    let parts: Part[];
    try {
      parts = planParts(msg);
    } catch (err) {
      // Checked when the message was queued; reaching here means bad stored content, which no retry fixes.
      const message = err instanceof Error ? err.message : String(err);
      throw new ChannelRejectedError(message, 400, 'plan');
    }
    const ids: string[][] = [...(progress.delivered ?? [])];
    for (let i = ids.length; i < parts.length; i++) {
      const part = parts[i]!;
      await this.checkFiles(part);
      const partIds = await this.call(
        () => partRequest(part, this.paid ? { ...msg, paidBroadcast: true } : msg, (a) => this.inputFile(a)),
        { chatExternalId: msg.chatExternalId, count: partSize(part) },
        progress,
        i,
        parts.length,
      );
      ids.push(partIds);
      await progress.afterPart?.(i, partIds, parts.length);
    }
    const all = ids.flat();
    return { externalId: all[0]!, externalIds: all };
  }

  /**
   * Replaces a sent message's text (editMessageText); a media message answers "there is no text in the message to edit",
   * and then its caption is replaced instead (editMessageCaption). Only inline buttons can be changed by an edit.
   * An edit that changes nothing counts as done.
   */
  async edit(ref: SentMessageRef, change: { html: string; buttons?: OutgoingButtons }): Promise<void> {
    const problem = validateHtml(change.html);
    if (!problem.ok)
      throw new ChannelRejectedError(`invalid HTML: ${problem.message}`, 400, 'editMessageText');
    if (change.buttons && change.buttons.kind !== 'inline')
      throw new ChannelRejectedError('only inline buttons can be changed by an edit', 400, 'editMessageText');
    const length = visibleText(change.html).length;
    if (length > TEXT_LIMIT)
      throw new ChannelRejectedError(
        `text is ${length} characters; an edit cannot be split`,
        400,
        'editMessageText',
      );
    const common = {
      chat_id: chatIdParam(ref.chatExternalId),
      message_id: Number(ref.externalId),
      ...(change.buttons ? { reply_markup: replyMarkup(change.buttons) } : {}),
    };
    // Edits are not messages, but Telegram throttles them too: they take a bot slot (no chat slot).
    const rate = { chatExternalId: null, count: 1 };
    try {
      await this.call(
        () => ({
          method: 'editMessageText',
          payload: { ...common, text: change.html, parse_mode: 'HTML' },
        }),
        rate,
      );
    } catch (err) {
      if (isNotModified(err)) return;
      if (!(err instanceof ChannelRejectedError && /no text in the message/i.test(err.description)))
        throw err;
      if (length > CAPTION_LIMIT)
        throw new ChannelRejectedError(
          `caption is ${length} characters, over 1024`,
          400,
          'editMessageCaption',
        );
      try {
        await this.call(
          () => ({
            method: 'editMessageCaption',
            payload: { ...common, caption: change.html, parse_mode: 'HTML' },
          }),
          rate,
        );
      } catch (e) {
        if (!isNotModified(e)) throw e;
      }
    }
  }

  /** Deletes a sent message; one already gone counts as deleted. */
  async delete(ref: SentMessageRef): Promise<void> {
    try {
      await this.call(
        () => ({
          method: 'deleteMessage',
          payload: { chat_id: chatIdParam(ref.chatExternalId), message_id: Number(ref.externalId) },
        }),
        null,
      );
    } catch (err) {
      if (err instanceof ChannelRejectedError && /message to delete not found/i.test(err.description)) return;
      throw err;
    }
  }

  /** Shows "typing…" (or another action) for about five seconds; not a message, so it takes no slot. */
  async chatAction(chatExternalId: string, action: ChatAction = 'typing'): Promise<void> {
    await this.call(
      () => ({ method: 'sendChatAction', payload: { chat_id: chatIdParam(chatExternalId), action } }),
      null,
    );
  }

  /**
   * One Bot API call: slot(s) from the limiter, then the request; a 429 pauses the bot and retries the same request,
   * at most MAX_RATE_LIMITED_RETRIES times. Returns the message ids created.
   */
  private async call(
    build: () => { method: string; payload: Record<string, unknown> },
    rate: Rate | null,
    progress: SendProgress = {},
    index = 0,
    total = 1,
  ): Promise<string[]> {
    // Before the slot, not between slot and request: the limiter's guarantee assumes the request leaves at its slot, and a
    // database write there (a cold pool connection takes tens of ms) bunches requests into Telegram's window.
    await progress.beforePart?.(index, total);
    for (let limited = 0; ; limited++) {
      // Called when the answer is back: the dispatch guard counts the message until a second after that.
      const answered = rate ? await this.acquire(rate) : noop;
      try {
        let result: unknown;
        try {
          // Built per attempt: an upload's stream can be read only once.
          const { method, payload } = build();
          const raw = this.api.raw as unknown as Record<string, (p: unknown) => Promise<unknown>>;
          result = await raw[method]!(payload);
        } finally {
          answered();
        }
        return messageIds(result);
      } catch (err) {
        const failure = classifyTelegramError(err);
        if (!(failure instanceof ChannelUnavailableError) || failure.errorCode !== 429) throw failure;
        const retryAfter = failure.retryAfterSeconds ?? 1;
        await this.limiter.pause(this.channelId, retryAfter);
        await progress.onRateLimited?.({ retryAfterSeconds: retryAfter, description: failure.message });
        if (limited >= MAX_RATE_LIMITED_RETRIES) throw failure;
      }
    }
  }

  /**
   * Takes `count` bot slots, the first one also the chat's (an album is one message to the chat's limits, one per item to the
   * bot's). No slot (limiter stopped at shutdown, database unreachable, channel deleted meanwhile) means nothing was sent:
   * retry later, the part is not in doubt.
   */
  private async acquire(rate: Rate): Promise<() => void> {
    try {
      for (let k = 0; k < rate.count; k++) {
        const chat = k === 0 ? rate.chatExternalId : null;
        await this.limiter.acquire({
          channelId: this.channelId,
          chatId: chat === null ? null : chatIdParam(chat),
          chatKind: chat === null ? 'private' : chatKindOf(chat),
          priority: this.priority,
        });
      }
      // Last: nothing but building the request lies between this and the request leaving.
      return (await this.limiter.dispatch?.(this.channelId, rate.count, this.ratePerSecond)) ?? noop;
    } catch (err) {
      throw new ChannelUnavailableError(
        `no send slot from the rate limiter: ${(err as Error).message ?? err}`,
      );
    }
  }

  /** A missing file is a permanent failure of this message, found before spending a slot on it. */
  private async checkFiles(part: Part): Promise<void> {
    const files = part.kind === 'album' ? part.items : part.kind === 'media' ? [part.attachment] : [];
    for (const a of files) {
      if (!this.storage)
        throw new ChannelRejectedError(
          'this process has no file storage to send attachments from',
          400,
          'upload',
        );
      if (!(await this.storage.stat(a.storageKey)))
        throw new ChannelRejectedError(
          `attachment file ${a.storageKey} is missing from storage`,
          400,
          'upload',
        );
    }
  }

  /** The file as a multipart upload streamed from our storage (never a URL Telegram would have to fetch). */
  private inputFile(a: OutgoingAttachment): InputFile {
    const storage = this.storage!;
    return new InputFile(() => storage.get(a.storageKey), a.fileName ?? defaultFileName(a));
  }
}

const noop = () => undefined;

/** Telegram answers an identical edit with 400 "message is not modified": the desired state already holds. */
function isNotModified(err: unknown): boolean {
  return err instanceof ChannelRejectedError && /message is not modified/i.test(err.description);
}

/** The ids of what a call created: one Message, an album's Messages, or none (true). */
function messageIds(result: unknown): string[] {
  if (Array.isArray(result)) return result.map((m) => String((m as { message_id: number }).message_id));
  if (result && typeof result === 'object' && 'message_id' in result)
    return [String((result as { message_id: number }).message_id)];
  return [];
}

function defaultFileName(a: OutgoingAttachment): string {
  const ext = { photo: 'jpg', video: 'mp4', audio: 'mp3', voice: 'ogg', document: 'bin' }[a.kind];
  return `${a.kind}.${ext}`;
}
