import type { DbOrTx } from '../db/database.ts';
import { AssignmentsRepository } from './assignments.repository.ts';
import { AttachmentsRepository } from './attachments.repository.ts';
import { AuditRepository } from './audit.repository.ts';
import { BroadcastClicksRepository } from './broadcast-clicks.repository.ts';
import { BroadcastDeliveriesRepository } from './broadcast-deliveries.repository.ts';
import { BroadcastsRepository } from './broadcasts.repository.ts';
import { BulkDeliveriesRepository } from './bulk-deliveries.repository.ts';
import { ButtonTapsRepository } from './button-taps.repository.ts';
import { CannedResponsesRepository } from './canned-responses.repository.ts';
import { ChannelHealthRepository } from './channel-health.repository.ts';
import { ChannelsRepository } from './channels.repository.ts';
import { ContactsRepository } from './contacts.repository.ts';
import { ConversationsRepository } from './conversations.repository.ts';
import { CredentialsRepository } from './credentials.repository.ts';
import { CsatRepository } from './csat.repository.ts';
import { DeliveriesRepository } from './deliveries.repository.ts';
import { EmailAddressesRepository } from './email-addresses.repository.ts';
import { EmailInboundRepository } from './email-inbound.repository.ts';
import { EventsRepository } from './events.repository.ts';
import { IdentitiesRepository } from './identities.repository.ts';
import { ImportsRepository } from './imports.repository.ts';
import { JobsRepository } from './jobs.repository.ts';
import { LabelsRepository } from './labels.repository.ts';
import { MembershipsRepository } from './memberships.repository.ts';
import { MessagesRepository } from './messages.repository.ts';
import { NotificationDigestsRepository } from './notification-digests.repository.ts';
import { NotificationTypesRepository } from './notification-types.repository.ts';
import { NotificationsRepository } from './notifications.repository.ts';
import { PreferencesRepository } from './preferences.repository.ts';
import { PresenceRepository } from './presence.repository.ts';
import { RealtimeRepository } from './realtime.repository.ts';
import { RepliesRepository } from './replies.repository.ts';
import { ReportsRepository } from './reports.repository.ts';
import { SegmentsRepository } from './segments.repository.ts';
import { SettingsRepository } from './settings.repository.ts';
import { SystemRepository } from './system.repository.ts';
import { TeamsRepository } from './teams.repository.ts';
import { TelegramRateRepository } from './telegram-rate.repository.ts';
import { TelegramUpdatesRepository } from './telegram-updates.repository.ts';
import { TemplatesRepository } from './templates.repository.ts';
import { UserNotificationsRepository } from './user-notifications.repository.ts';
import { UsersRepository } from './users.repository.ts';
import { WorkerProcessesRepository } from './worker-processes.repository.ts';

/** Every repository bound to one connection or transaction. Cheap: they hold only the handle. */
export function repositories(db: DbOrTx) {
  return {
    assignments: new AssignmentsRepository(db),
    attachments: new AttachmentsRepository(db),
    audit: new AuditRepository(db),
    broadcastClicks: new BroadcastClicksRepository(db),
    broadcastDeliveries: new BroadcastDeliveriesRepository(db),
    broadcasts: new BroadcastsRepository(db),
    bulkDeliveries: new BulkDeliveriesRepository(db),
    buttonTaps: new ButtonTapsRepository(db),
    // Reply tools: canned responses, CSAT, notes/edits/deletes, in-app notifications.
    cannedResponses: new CannedResponsesRepository(db),
    csat: new CsatRepository(db),
    replies: new RepliesRepository(db),
    userNotifications: new UserNotificationsRepository(db),
    channelHealth: new ChannelHealthRepository(db),
    channels: new ChannelsRepository(db),
    contacts: new ContactsRepository(db),
    conversations: new ConversationsRepository(db),
    deliveries: new DeliveriesRepository(db),
    emailAddresses: new EmailAddressesRepository(db),
    emailInbound: new EmailInboundRepository(db),
    preferences: new PreferencesRepository(db),
    credentials: new CredentialsRepository(db),
    events: new EventsRepository(db),
    identities: new IdentitiesRepository(db),
    imports: new ImportsRepository(db),
    jobs: new JobsRepository(db),
    labels: new LabelsRepository(db),
    memberships: new MembershipsRepository(db),
    messages: new MessagesRepository(db),
    // Notifications (issue 6): types, notifications with their keys and log, digests.
    notificationTypes: new NotificationTypesRepository(db),
    notifications: new NotificationsRepository(db),
    notificationDigests: new NotificationDigestsRepository(db),
    presence: new PresenceRepository(db),
    realtime: new RealtimeRepository(db),
    reports: new ReportsRepository(db),
    segments: new SegmentsRepository(db),
    settings: new SettingsRepository(db),
    system: new SystemRepository(db),
    telegramRate: new TelegramRateRepository(db),
    teams: new TeamsRepository(db),
    telegramUpdates: new TelegramUpdatesRepository(db),
    templates: new TemplatesRepository(db),
    users: new UsersRepository(db),
    workerProcesses: new WorkerProcessesRepository(db),
  };
}

export type Repos = ReturnType<typeof repositories>;
