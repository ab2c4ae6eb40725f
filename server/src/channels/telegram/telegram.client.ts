import { Api } from 'grammy';
import { classifyTelegramError } from '../errors.ts';

/** Default seconds a Bot API call may take; long polling passes its own, longer timeout. */
const DEFAULT_TIMEOUT_SECONDS = 30;

/**
 * A grammY `Api` for one bot. `apiRoot` is the channel's override or TELEGRAM_API_ROOT; tests point it at the fake
 * server, self-hosters at Telegram's local Bot API server. No retries or rate limiting here: the send path adds them.
 */
export function telegramApi(token: string, apiRoot: string, opts: { timeoutSeconds?: number } = {}): Api {
  return new Api(token, {
    apiRoot: apiRoot.replace(/\/+$/, ''),
    timeoutSeconds: opts.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
  });
}

/**
 * Runs one Bot API call and rethrows its failure as ChannelRejectedError (permanent) or ChannelUnavailableError
 * (retry later), so callers never handle grammY's error types.
 */
export async function callTelegram<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw classifyTelegramError(err);
  }
}

/** What the API shows instead of a token: the bot id and the last four characters, e.g. `123456:…abcd`. */
export function tokenHint(token: string): string {
  const colon = token.indexOf(':');
  const id = colon > 0 ? token.slice(0, colon) : '';
  return `${id}:…${token.slice(-4)}`;
}
