import { FileStore } from './files.ts';
import { BotLimiter } from './rate-limits.ts';
import type {
  FailureSpec,
  FakeLimits,
  FakeUpdate,
  Json,
  RejectedCall,
  SentCall,
  WebhookState,
} from './types.ts';
import { type DeliveryOptions, UpdateQueue } from './update-queue.ts';

/** What addBot needs to know about a bot. */
export interface FakeBotInfo {
  readonly token: string;
  readonly id: number;
  readonly username: string;
  readonly firstName?: string;
}

/** Every request a bot received, accepted or not (sent only lists accepted outgoing calls). */
export interface CallRecord {
  readonly method: string;
  readonly status: number;
  readonly at: number;
}

/** Settings FakeTelegram passes to each bot. */
export interface FakeBotDeps {
  readonly clock: () => number;
  readonly limits: FakeLimits;
  readonly enforceLimits: boolean;
  readonly delivery: DeliveryOptions;
}

/** One fake bot: its outgoing log, refusals, updates, webhook, files and scripted behaviour. */
export class FakeBot {
  /** Every accepted outgoing call in arrival order. */
  readonly sent: SentCall[] = [];
  /** Every 429 answered, enforced or scripted, with the fake clock's time. */
  readonly rejected: RejectedCall[] = [];
  /** Every request with its HTTP status, for tests that care about reads too. */
  readonly calls: CallRecord[] = [];
  /** Files served by getFile and the download route; uploads land here too. */
  readonly files = new FileStore();
  /** Chats whose user blocked the bot. */
  readonly blocked = new Set<string>();
  /** When not null, sends to any other chat answer 400 "chat not found". */
  knownChats: Set<number | string> | null = null;
  /** Chat objects used in results; unknown chats get a plausible one from the id's sign. */
  readonly chats = new Map<string, Json>();
  /** Whether this bot's sends are rate-limited (defaults to the server's enforceLimits). */
  enforceLimits: boolean;
  /** Pending updates, getUpdates and webhook delivery. */
  readonly updates: UpdateQueue;
  /** The limiter counting this bot's accepted messages. */
  readonly limiter: BotLimiter;
  /** Messages the bot sent, per chat, so edits, deletes and replies can find them. */
  readonly messages = new Map<string, Map<number, Json>>();
  private readonly lastMessageId = new Map<string, number>();
  private readonly failures = new Map<string, { spec: FailureSpec; remaining: number }[]>();

  /** Builds a bot; use FakeTelegram.addBot. */
  constructor(
    readonly info: FakeBotInfo,
    readonly deps: FakeBotDeps,
  ) {
    this.enforceLimits = deps.enforceLimits;
    this.limiter = new BotLimiter(deps.limits);
    this.updates = new UpdateQueue(deps.delivery, () => Math.floor(deps.clock() / 1000));
  }

  /** The bot token. */
  get token(): string {
    return this.info.token;
  }

  /** The webhook as getWebhookInfo sees it, or null in polling mode. */
  get webhook(): WebhookState | null {
    return this.updates.webhook;
  }

  /**
   * Queues an update for getUpdates or webhook delivery and returns it with its update_id. Messages it carries are remembered,
   * so the bot can reply to them and later message_ids in that chat stay higher.
   */
  queueUpdate(update: FakeUpdate): Json {
    for (const key of ['message', 'edited_message', 'channel_post', 'edited_channel_post']) {
      const message = update[key] as { message_id?: unknown; chat?: { id?: unknown } } | undefined;
      const chatId = message?.chat?.id;
      if (typeof message?.message_id !== 'number' || typeof chatId !== 'number') continue;
      this.storeMessage(chatId, message as Json);
      const last = this.lastMessageId.get(String(chatId)) ?? 0;
      this.lastMessageId.set(String(chatId), Math.max(last, message.message_id));
    }
    return this.updates.add(update);
  }

  /** Updates not yet confirmed or delivered. */
  get pendingUpdateCount(): number {
    return this.updates.pendingCount;
  }

  /** That user blocked the bot: sends to the chat get 403. */
  blockedBy(chatId: number | string): void {
    this.blocked.add(String(chatId));
  }

  /** That user unblocked the bot. */
  unblockedBy(chatId: number | string): void {
    this.blocked.delete(String(chatId));
  }

  /** Adds a chat object (and marks it known when knownChats is in use). */
  addChat(chat: Json & { id: number }): void {
    this.chats.set(String(chat.id), chat);
    this.knownChats?.add(chat.id);
  }

  /** The next `times` calls of `method` ('*' for any method) fail with this error. */
  failNext(method: string, spec: FailureSpec, times = 1): void {
    const list = this.failures.get(method) ?? [];
    list.push({ spec, remaining: times });
    this.failures.set(method, list);
  }

  /** Consumes a scripted failure for this method, if one is due. */
  takeFailure(method: string): FailureSpec | undefined {
    for (const key of [method, '*']) {
      const list = this.failures.get(key);
      const head = list?.[0];
      if (!list || !head) continue;
      head.remaining -= 1;
      if (head.remaining <= 0) list.shift();
      return head.spec;
    }
    return undefined;
  }

  /** Accepted calls to one chat. */
  sentTo(chatId: number | string): SentCall[] {
    return this.sent.filter((s) => String(s.chatId) === String(chatId));
  }

  /** The bot as a Telegram User object. */
  user(): Json {
    return {
      id: this.info.id,
      is_bot: true,
      first_name: this.info.firstName ?? this.info.username,
      username: this.info.username,
    };
  }

  /** A Chat object for this id. */
  chat(chatId: number | string): Json {
    const known = this.chats.get(String(chatId));
    if (known) return known;
    if (typeof chatId === 'string')
      return { id: -1001000000000, type: 'channel', title: chatId, username: chatId.slice(1) };
    if (chatId > 0) return { id: chatId, type: 'private', first_name: `User ${chatId}` };
    if (chatId <= -1000000000000) return { id: chatId, type: 'supergroup', title: `Supergroup ${chatId}` };
    return { id: chatId, type: 'group', title: `Group ${chatId}` };
  }

  /** Next message_id in a chat (ids grow per chat, as in Telegram). */
  nextMessageId(chatId: number | string): number {
    const key = String(chatId);
    const next = (this.lastMessageId.get(key) ?? 0) + 1;
    this.lastMessageId.set(key, next);
    return next;
  }

  /** Stores a sent message so it can be edited, deleted or replied to. */
  storeMessage(chatId: number | string, message: Json): void {
    const key = String(chatId);
    const map = this.messages.get(key) ?? new Map<number, Json>();
    map.set(message.message_id as number, message);
    this.messages.set(key, map);
  }

  /** A message the bot sent, if it still exists. */
  findMessage(chatId: number | string, messageId: number): Json | undefined {
    return this.messages.get(String(chatId))?.get(messageId);
  }

  /** Ends long polls and webhook retries. */
  stop(): void {
    this.updates.stop();
  }
}
