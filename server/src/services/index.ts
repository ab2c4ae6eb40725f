import { TelegramFiles } from '../channels/telegram/telegram.files.ts';
import { DEFAULT_RATE_POLICY, TelegramLimiter } from '../channels/telegram/telegram.limiter.ts';
import { TelegramReceiver } from '../channels/telegram/telegram.receiver.ts';
import { TelegramWebhooks } from '../channels/telegram/telegram.webhook.ts';
import { ApiKeysService } from './api-keys.service.ts';
import { AuditService } from './audit.service.ts';
import { AuthService } from './auth.service.ts';
import { CallbackRouter } from './callback-router.ts';
import { ChannelHealthService } from './channel-health.service.ts';
import { ChannelsService } from './channels.service.ts';
import { ContactsService } from './contacts.service.ts';
import type { ServiceContext } from './context.ts';
import { ConversationsService } from './conversations.service.ts';
import { EventsService } from './events.service.ts';
import { FilesService } from './files.service.ts';
import { ImportsService } from './imports.service.ts';
import { TelegramAdapters } from './outbound.adapters.ts';
import { OutboundService } from './outbound.service.ts';
import { ReceiveService } from './receive.service.ts';
import { SegmentsService } from './segments.service.ts';
import { SettingsService } from './settings.service.ts';
import { SystemService } from './system.service.ts';
import { TelegramRateService } from './telegram-rate.service.ts';
import { TemplatesService } from './templates.service.ts';
import { UsersService } from './users.service.ts';

/** Every service, built once over one context. */
export function createServices(ctx: ServiceContext) {
  const channels = new ChannelsService(ctx);
  // Owners of buttons (CSAT, preferences, broadcasts) register their data prefixes on `callbacks` at start-up.
  const callbacks = new CallbackRouter();
  const receive = new ReceiveService(callbacks);
  // One limiter per process (its lanes batch this process's requests per bot); app.ts stops it on shutdown.
  const headroom = ctx.config.telegramRateHeadroomPercent / 100;
  const telegramLimiter = new TelegramLimiter(
    ctx.db,
    // The default 1% gives DEFAULT_RATE_POLICY exactly (1010 ms per private-chat message, 3030 ms per group message).
    {
      ...DEFAULT_RATE_POLICY,
      headroom,
      privateIntervalMs: 1000 * (1 + headroom),
      groupIntervalMs: 3000 * (1 + headroom),
    },
    { onPause: (channelId, seconds) => ctx.sendMetrics?.telegramPaused(channelId, seconds) },
  );
  const outbound = new OutboundService(
    ctx,
    new TelegramAdapters(channels, telegramLimiter, () => ctx.storage ?? null),
  );
  return {
    ctx,
    apiKeys: new ApiKeysService(ctx),
    audit: new AuditService(ctx),
    auth: new AuthService(ctx),
    callbacks,
    channelHealth: new ChannelHealthService(ctx, channels),
    channels,
    contacts: new ContactsService(ctx),
    events: new EventsService(ctx),
    conversations: new ConversationsService(ctx),
    files: new FilesService(ctx, { telegram: new TelegramFiles(channels) }),
    imports: new ImportsService(ctx),
    outbound,
    receive,
    segments: new SegmentsService(ctx),
    settings: new SettingsService(ctx),
    system: new SystemService(ctx),
    templates: new TemplatesService(ctx),
    telegram: new TelegramReceiver(ctx, channels, receive),
    telegramLimiter,
    telegramRate: new TelegramRateService(ctx),
    telegramWebhooks: new TelegramWebhooks(ctx, channels),
    users: new UsersService(ctx),
  };
}

export type Services = ReturnType<typeof createServices>;
