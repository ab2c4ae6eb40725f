/** Shapes shared by the fake Telegram Bot API server. Telegram's own field names (snake_case) are kept in wire objects. */

/** A JSON object as Telegram sends and receives it. */
export type Json = Record<string, unknown>;

/** An update as queued for getUpdates or webhook delivery; update_id is assigned when missing. */
export type FakeUpdate = Json & { update_id?: number };

/** A file part received in a multipart request, kept so tests can check what was uploaded. */
export interface UploadedFile {
  readonly upload: true;
  /** The multipart field name the bytes arrived under. */
  readonly field: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly bytes: Buffer;
}

/** One accepted outgoing call, in arrival order, with the fake clock's time in ms. */
export interface SentCall {
  readonly method: string;
  /** chat_id as sent (numbers stay numbers, '@channel' stays a string); null for calls without a chat. */
  readonly chatId: number | string | null;
  readonly params: Json;
  readonly at: number;
}

/** One refused call answered with 429 (from the enforced limits or a scripted failure). */
export interface RejectedCall {
  readonly method: string;
  readonly chatId: number | string | null;
  readonly retryAfter: number;
  readonly description: string;
  /** Which limit refused it: 'bot', 'private-chat', 'group', or 'scripted' for failNext. */
  readonly limit: 'bot' | 'private-chat' | 'group' | 'scripted';
  readonly at: number;
}

/** A scripted failure for failNext. */
export interface FailureSpec {
  readonly error_code: number;
  readonly description: string;
  readonly retry_after?: number;
  readonly migrate_to_chat_id?: number;
}

/** The webhook a bot has set, as getWebhookInfo reports it. */
export interface WebhookState {
  url: string;
  secretToken: string | null;
  allowedUpdates: string[];
  pendingUpdateCount: number;
  /** Unix time in seconds, as Telegram reports it. */
  lastErrorDate?: number;
  lastErrorMessage?: string;
  /** Successful deliveries so far (not a Telegram field; handy in tests). */
  delivered: number;
}

/** Rate limits the fake enforces when enforceLimits is on. */
export interface FakeLimits {
  /** Messages per rolling second across all chats of one bot (Telegram: about 30). */
  readonly botPerSecond: number;
  /** The bot's limit for messages sent with allow_paid_broadcast (Telegram: 1000/s, for Stars). */
  readonly paidBotPerSecond: number;
  /** Private chat: sustained 1 message per second with a token bucket of this many messages for short bursts. */
  readonly privateBurst: number;
  /** Private chat sustained rate, messages per second. */
  readonly privatePerSecond: number;
  /** Messages per rolling minute in one group or channel (negative chat id). */
  readonly groupPerMinute: number;
}

/** The error Telegram answers with: `{ok:false, error_code, description, parameters?}`. */
export class TelegramError extends Error {
  /** Builds an error answered with HTTP status = error_code. */
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
  }

  /** The response body Telegram would send. */
  body(): Json {
    const body: Json = { ok: false, error_code: this.errorCode, description: this.description };
    if (this.parameters && Object.keys(this.parameters).length > 0) body.parameters = this.parameters;
    return body;
  }
}

/** 400 with Telegram's "Bad Request: …" prefix. */
export function badRequest(message: string): TelegramError {
  return new TelegramError(400, `Bad Request: ${message}`);
}
