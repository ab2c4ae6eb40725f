import type { ServiceContext } from './context.ts';
import type { EmailSenders } from './email-senders.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import type { TemplatesService } from './templates.service.ts';

/** Transactional and marketing notifications: the trigger API, delivery with preferences and fallback, digests. */
export class NotificationsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly templates: TemplatesService,
    private readonly telegramAdapters: TelegramAdapters,
    private readonly emailSenders: EmailSenders,
  ) {}

  /** The `notifications.deliver` job. */
  async deliver(notificationId: string, _opts: { lastAttempt?: boolean } = {}): Promise<void> {
    void [this.ctx, this.templates, this.telegramAdapters, this.emailSenders];
    throw new Error(`notifications.deliver ${notificationId}: not built yet`);
  }

  /** The `notifications.digest_flush` job. */
  async flushDigest(digestId: string): Promise<void> {
    throw new Error(`notifications.digest_flush ${digestId}: not built yet`);
  }
}
