import type { DbOrTx } from '../db/database.ts';
import { AuditRepository } from './audit.repository.ts';
import { ChannelsRepository } from './channels.repository.ts';
import { ContactsRepository } from './contacts.repository.ts';
import { CredentialsRepository } from './credentials.repository.ts';
import { IdentitiesRepository } from './identities.repository.ts';
import { ImportsRepository } from './imports.repository.ts';
import { JobsRepository } from './jobs.repository.ts';
import { RealtimeRepository } from './realtime.repository.ts';
import { SettingsRepository } from './settings.repository.ts';
import { SystemRepository } from './system.repository.ts';
import { TelegramUpdatesRepository } from './telegram-updates.repository.ts';
import { UsersRepository } from './users.repository.ts';
import { WorkerProcessesRepository } from './worker-processes.repository.ts';

/** Every repository bound to one connection or transaction. Cheap: they hold only the handle. */
export function repositories(db: DbOrTx) {
  return {
    audit: new AuditRepository(db),
    channels: new ChannelsRepository(db),
    contacts: new ContactsRepository(db),
    credentials: new CredentialsRepository(db),
    identities: new IdentitiesRepository(db),
    imports: new ImportsRepository(db),
    jobs: new JobsRepository(db),
    realtime: new RealtimeRepository(db),
    settings: new SettingsRepository(db),
    system: new SystemRepository(db),
    telegramUpdates: new TelegramUpdatesRepository(db),
    users: new UsersRepository(db),
    workerProcesses: new WorkerProcessesRepository(db),
  };
}

export type Repos = ReturnType<typeof repositories>;
