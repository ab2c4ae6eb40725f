import { TelegramReceiver } from '../channels/telegram/telegram.receiver.ts';
import { TelegramWebhooks } from '../channels/telegram/telegram.webhook.ts';
import { ApiKeysService } from './api-keys.service.ts';
import { AuditService } from './audit.service.ts';
import { AuthService } from './auth.service.ts';
import { ChannelsService } from './channels.service.ts';
import { ContactsService } from './contacts.service.ts';
import type { ServiceContext } from './context.ts';
import { ImportsService } from './imports.service.ts';
import { ReceiveService } from './receive.service.ts';
import { SettingsService } from './settings.service.ts';
import { SystemService } from './system.service.ts';
import { UsersService } from './users.service.ts';

/** Every service, built once over one context. */
export function createServices(ctx: ServiceContext) {
  const channels = new ChannelsService(ctx);
  const receive = new ReceiveService();
  return {
    ctx,
    apiKeys: new ApiKeysService(ctx),
    audit: new AuditService(ctx),
    auth: new AuthService(ctx),
    channels,
    contacts: new ContactsService(ctx),
    imports: new ImportsService(ctx),
    receive,
    settings: new SettingsService(ctx),
    system: new SystemService(ctx),
    telegram: new TelegramReceiver(ctx, channels, receive),
    telegramWebhooks: new TelegramWebhooks(ctx, channels),
    users: new UsersService(ctx),
  };
}

export type Services = ReturnType<typeof createServices>;
