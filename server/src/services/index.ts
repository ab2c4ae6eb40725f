import { ApiKeysService } from './api-keys.service.ts';
import { AuditService } from './audit.service.ts';
import { AuthService } from './auth.service.ts';
import { ChannelsService } from './channels.service.ts';
import { ContactsService } from './contacts.service.ts';
import type { ServiceContext } from './context.ts';
import { ImportsService } from './imports.service.ts';
import { SettingsService } from './settings.service.ts';
import { SystemService } from './system.service.ts';
import { UsersService } from './users.service.ts';

/** Every service, built once over one context. */
export function createServices(ctx: ServiceContext) {
  return {
    ctx,
    apiKeys: new ApiKeysService(ctx),
    audit: new AuditService(ctx),
    auth: new AuthService(ctx),
    channels: new ChannelsService(ctx),
    contacts: new ContactsService(ctx),
    imports: new ImportsService(ctx),
    settings: new SettingsService(ctx),
    system: new SystemService(ctx),
    users: new UsersService(ctx),
  };
}

export type Services = ReturnType<typeof createServices>;
