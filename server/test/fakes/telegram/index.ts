/** A fake Telegram Bot API server for tests: see FakeTelegram. */

export { MAX_CAPTION, MAX_TEXT } from './content.ts';
export { type CallRecord, FakeBot, type FakeBotInfo } from './fake-bot.ts';
export { FakeTelegram, type FakeTelegramOptions } from './fake-telegram.ts';
export { MAX_DOWNLOAD_BYTES, type StoredFile } from './files.ts';
export { parseHtml } from './html-mode.ts';
export { TELEGRAM_LIMITS } from './rate-limits.ts';
export type {
  FailureSpec,
  FakeLimits,
  FakeUpdate,
  Json,
  RejectedCall,
  SentCall,
  UploadedFile,
  WebhookState,
} from './types.ts';
export { TelegramError } from './types.ts';
