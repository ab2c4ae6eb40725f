import type { ServiceContext } from './context.ts';

/** Upkeep of the shared Telegram rate-limiter state (repositories/telegram-rate.repository.ts). */
export class TelegramRateService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Deletes per-chat rows whose schedule ended over a minute ago: they carry no information (such a chat would be granted at
   * once), and a broadcast to many chats would otherwise leave one row per recipient forever. Runs every minute (jobs/cron.ts).
   */
  async prune(): Promise<number> {
    const deleted = await this.ctx.repos.telegramRate.pruneChats();
    if (deleted > 0) this.ctx.log.debug({ deleted }, 'pruned Telegram rate-limiter chat rows');
    return deleted;
  }
}
