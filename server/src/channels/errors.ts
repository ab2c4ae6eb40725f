import { GrammyError, HttpError } from 'grammy';
import { DomainError } from '../lib/errors.ts';

/**
 * Why a channel call failed, in two kinds every caller can act on without knowing Telegram:
 * rejected (permanent: do not retry) or unavailable (retry later).
 */

/** The platform refused the call for good: bad token, blocked by the user, chat not found, bad request. */
export class ChannelRejectedError extends Error {
  constructor(
    /** The platform's own explanation, e.g. "Forbidden: bot was blocked by the user". */
    public readonly description: string,
    /** The platform's error code (Telegram: 400, 401, 403, 404, 409). */
    public readonly errorCode: number,
    /** The method that failed, e.g. "sendMessage". */
    public readonly method: string,
  ) {
    super(`${method} rejected (${errorCode}): ${description}`);
  }

  /** The recipient blocked the bot, deleted their account, or the chat is gone: the identity is unreachable. */
  get recipientUnreachable(): boolean {
    return (
      this.errorCode === 403 ||
      (this.errorCode === 400 && /chat not found|user not found/i.test(this.description))
    );
  }
}

/**
 * The platform could not be reached or asked us to wait: network errors, timeouts, 5xx, 429.
 * A DomainError so that, reaching HTTP unhandled, it is a 503 with a clear message rather than a 500.
 */
export class ChannelUnavailableError extends DomainError {
  constructor(
    message: string,
    /** From a 429's retry_after: how long the whole bot must wait. */
    public readonly retryAfterSeconds: number | null = null,
    public readonly errorCode: number | null = null,
  ) {
    super('channel_unavailable', message);
  }
}

/** Turns whatever a grammY call threw into one of the two kinds; anything else (our own bugs) is returned unchanged. */
export function classifyTelegramError(
  err: unknown,
): ChannelRejectedError | ChannelUnavailableError | unknown {
  if (err instanceof GrammyError) {
    const code = err.error_code;
    if (code === 429) {
      const retryAfter = err.parameters?.retry_after ?? null;
      return new ChannelUnavailableError(
        `Telegram rate limit on ${err.method}: ${err.description}`,
        retryAfter,
        code,
      );
    }
    if (code >= 500 || code < 400)
      return new ChannelUnavailableError(
        `Telegram failed on ${err.method} (${code}): ${err.description}`,
        null,
        code,
      );
    return new ChannelRejectedError(err.description, code, err.method);
  }
  if (err instanceof HttpError) {
    // The cause (fetch's message) holds the request URL, and with it the token: keep only a redacted form.
    const cause = err.error instanceof Error ? `: ${redactBotToken(err.error.message)}` : '';
    return new ChannelUnavailableError(`Could not reach the Telegram Bot API (${err.message}${cause})`);
  }
  return err;
}

/** Removes bot tokens from text bound for logs, errors and the database (`/bot123:abc/` → `/bot<token>/`). */
export function redactBotToken(text: string): string {
  return text.replace(/bot\d+:[\w-]+/g, 'bot<token>').replace(/\b\d{5,}:[\w-]{20,}/g, '<token>');
}
