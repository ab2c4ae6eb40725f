import type { DbOrTx } from '../db/database.ts';
import { AssignmentsRepository } from './assignments.repository.ts';
import { AttachmentsRepository } from './attachments.repository.ts';
import { AuditRepository } from './audit.repository.ts';
import { AutomationCalendarRepository } from './automation-calendar.repository.ts';
import { AutomationRunsRepository } from './automation-runs.repository.ts';
import { AutomationsRepository } from './automations.repository.ts';
import { BroadcastClicksRepository } from './broadcast-clicks.repository.ts';
import { BroadcastDeliveriesRepository } from './broadcast-deliveries.repository.ts';
import { BroadcastsRepository } from './broadcasts.repository.ts';
import { BulkDeliveriesRepository } from './bulk-deliveries.repository.ts';
import { ButtonTapsRepository } from './button-taps.repository.ts';
import { CannedResponsesRepository } from './canned-responses.repository.ts';
import { ChannelHealthRepository } from './channel-health.repository.ts';
import { ChannelsRepository } from './channels.repository.ts';
import { ContactTimelineRepository } from './contact-timeline.repository.ts';
import { ContactsRepository } from './contacts.repository.ts';
import { ConversationsRepository } from './conversations.repository.ts';
import { CouponsRepository } from './coupons.repository.ts';
import { CouponsStatsRepository } from './coupons-stats.repository.ts';
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
import { NotificationDrainRepository } from './notification-drain.repository.ts';
import { NotificationTypesRepository } from './notification-types.repository.ts';
import { NotificationsRepository } from './notifications.repository.ts';
import { PreferencesRepository } from './preferences.repository.ts';
import { PresenceRepository } from './presence.repository.ts';
import { RealtimeRepository } from './realtime.repository.ts';
import { RepliesRepository } from './replies.repository.ts';
import { ReportsRepository } from './reports.repository.ts';
import { ReportsActivityRepository } from './reports-activity.repository.ts';
import { ReportsDeliveryRepository } from './reports-delivery.repository.ts';
import { RetentionRepository } from './retention.repository.ts';
import { SegmentVocabularyRepository } from './segment-vocabulary.repository.ts';
import { SegmentsRepository } from './segments.repository.ts';
import { SettingsRepository } from './settings.repository.ts';
import { StaffRepository } from './staff.repository.ts';
import { SystemRepository } from './system.repository.ts';
import { SystemAdminRepository } from './system-admin.repository.ts';
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
    // Automations (issue 8): rules and their runs.
    automations: new AutomationsRepository(db),
    automationRuns: new AutomationRunsRepository(db),
    // Calendar triggers' passes and segment snapshots (issue 8).
    automationCalendar: new AutomationCalendarRepository(db),
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
    contactTimeline: new ContactTimelineRepository(db),
    conversations: new ConversationsRepository(db),
    deliveries: new DeliveriesRepository(db),
    emailAddresses: new EmailAddressesRepository(db),
    emailInbound: new EmailInboundRepository(db),
    preferences: new PreferencesRepository(db),
    credentials: new CredentialsRepository(db),
    // Coupons and the staff bot (issue 8).
    coupons: new CouponsRepository(db),
    couponStats: new CouponsStatsRepository(db),
    staff: new StaffRepository(db),
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
    notificationDrain: new NotificationDrainRepository(db),
    presence: new PresenceRepository(db),
    realtime: new RealtimeRepository(db),
    reports: new ReportsRepository(db),
    // Batched deletes of old raw data (the retention cleanup).
    retention: new RetentionRepository(db),
    reportsActivity: new ReportsActivityRepository(db),
    reportsDelivery: new ReportsDeliveryRepository(db),
    segments: new SegmentsRepository(db),
    // The segment builder's suggestions (tags, event names, attribute names).
    segmentVocabulary: new SegmentVocabularyRepository(db),
    settings: new SettingsRepository(db),
    system: new SystemRepository(db),
    // The System page: graphile-worker queues, workers, schedules, database size.
    systemAdmin: new SystemAdminRepository(db),
    telegramRate: new TelegramRateRepository(db),
    teams: new TeamsRepository(db),
    telegramUpdates: new TelegramUpdatesRepository(db),
    templates: new TemplatesRepository(db),
    users: new UsersRepository(db),
    workerProcesses: new WorkerProcessesRepository(db),
  };
}

export type Repos = ReturnType<typeof repositories>;
