import { TelegramDrain } from '../channels/telegram/telegram.drain.ts';
import { TelegramFiles } from '../channels/telegram/telegram.files.ts';
import { DEFAULT_RATE_POLICY, TelegramLimiter } from '../channels/telegram/telegram.limiter.ts';
import { TelegramReceiver } from '../channels/telegram/telegram.receiver.ts';
import { TelegramWebhooks } from '../channels/telegram/telegram.webhook.ts';
import { cronItems } from '../jobs/cron.ts';
import { ApiKeysService } from './api-keys.service.ts';
import { AssignmentService } from './assignment.service.ts';
import { AutoAssignService, autoAssignHook } from './assignment-auto.ts';
import { AuditService } from './audit.service.ts';
import { AuthService } from './auth.service.ts';
import { AutoReplyService } from './auto-reply.ts';
import { AutomationsService } from './automations/automations.service.ts';
import { registerBuiltinActions } from './automations/builtins.ts';
import { CalendarTriggers } from './automations/calendar.ts';
import { RetentionService } from './automations/retention.ts';
import { BROADCAST_CALLBACK_PREFIX } from './broadcast-buttons.ts';
import { BroadcastClicksService } from './broadcast-clicks.ts';
import { BroadcastDeliveryManager, DEFAULT_BROADCAST_DELIVERY } from './broadcast-delivery.ts';
import { BroadcastSentEditsService } from './broadcast-sent-edits.ts';
import { BroadcastsService } from './broadcasts.service.ts';
import { BulkSender } from './bulk-sender.ts';
import { CallbackRouter } from './callback-router.ts';
import { CannedResponsesService } from './canned-responses.service.ts';
import { ChannelHealthService } from './channel-health.service.ts';
import { ChannelsService } from './channels.service.ts';
import { ContactMessagesService } from './contact-messages.service.ts';
import { ContactTimelineService } from './contact-timeline.service.ts';
import { ContactsService } from './contacts.service.ts';
import type { ServiceContext } from './context.ts';
import { ConversationHooks } from './conversation-hooks.ts';
import { ConversationsService } from './conversations.service.ts';
import { CouponDelivery } from './coupons.delivery.ts';
import { CouponsService } from './coupons.service.ts';
import { CSAT_PREFIX, CsatService } from './csat.service.ts';
import { EmailReceiveService } from './email-receive.service.ts';
import { EmailSenders } from './email-senders.ts';
import { EventsService } from './events.service.ts';
import { FilesService } from './files.service.ts';
import { ImportsService } from './imports.service.ts';
import { InboxSettingsService } from './inbox-settings.ts';
import { LabelsService } from './labels.service.ts';
import { MembershipsService } from './memberships.service.ts';
import { NotificationTopics } from './notification-topics.ts';
import { NotificationTypesService } from './notification-types.service.ts';
import { NotificationsService } from './notifications.service.ts';
import { TelegramAdapters } from './outbound.adapters.ts';
import { OutboundService } from './outbound.service.ts';
import { PREFERENCES_PREFIX } from './preference-commands.menu.ts';
import { PreferenceCommands } from './preference-commands.ts';
import { PreferencesService } from './preferences.service.ts';
import { PreferencePage } from './preferences.web.ts';
import { PresenceService } from './presence.service.ts';
import { ReceiveService } from './receive.service.ts';
import { RepliesService } from './replies.service.ts';
import { ReportsService } from './reports.service.ts';
import { SegmentVocabularyService } from './segment-vocabulary.service.ts';
import { SegmentsService } from './segments.service.ts';
import { SettingsService } from './settings.service.ts';
import { StaffAlertsService } from './staff-alerts.ts';
import { StaffBotLinks } from './staff-bot.links.ts';
import { StaffBotService } from './staff-bot.ts';
import { SystemService } from './system.service.ts';
import { SystemAdminService } from './system-admin.service.ts';
import { TeamsService } from './teams.service.ts';
import { TelegramRateService } from './telegram-rate.service.ts';
import { TemplatesService } from './templates.service.ts';
import { UserNotificationsService } from './user-notifications.service.ts';
import { UsersService } from './users.service.ts';

/** Every service, built once over one context. */
export function createServices(ctx: ServiceContext) {
  const channels = new ChannelsService(ctx);
  // Owners of buttons (CSAT, preferences, broadcasts) register their data prefixes on `callbacks` at start-up.
  const callbacks = new CallbackRouter();
  // Inbox features (assignment, auto-reply, CSAT) register what they do when a customer writes: one line each below.
  const conversationHooks = new ConversationHooks();
  conversationHooks.onIncomingMessage('assignment', autoAssignHook);
  const receive = new ReceiveService(callbacks, conversationHooks);
  const telegramReceiver = new TelegramReceiver(ctx, channels, receive);
  // One limiter per process (its lanes batch this process's requests per bot); app.ts stops it on shutdown.
  const headroom = ctx.config.telegramRateHeadroomPercent / 100;
  const telegramLimiter = new TelegramLimiter(
    // Grants on the sending path's own connections: one statement per bot in flight, never queued behind the API.
    ctx.deliveryDb ?? ctx.db,
    // The default 0.5% gives DEFAULT_RATE_POLICY exactly (1005 ms per private-chat message, 3015 ms per group message).
    {
      ...DEFAULT_RATE_POLICY,
      headroom,
      privateIntervalMs: 1000 * (1 + headroom),
      groupIntervalMs: 3000 * (1 + headroom),
    },
    { onPause: (channelId, seconds) => ctx.sendMetrics?.telegramPaused(channelId, seconds) },
  );
  const telegramAdapters = new TelegramAdapters(channels, telegramLimiter, () => ctx.storage ?? null);
  // Mail: email channels' own servers and the installation's SMTP_URL (app.ts closes the pools on shutdown).
  const emailSenders = new EmailSenders(ctx);
  const outbound = new OutboundService(ctx, telegramAdapters, undefined, emailSenders);
  // Reply tools: notes/mentions/edits/deletes, auto-reply and CSAT (their hooks and the `csat:` buttons).
  const templates = new TemplatesService(ctx);
  const replies = new RepliesService(ctx, outbound, telegramAdapters);
  const autoReply = new AutoReplyService(ctx, outbound);
  const csat = new CsatService(ctx, outbound);
  conversationHooks.onIncomingMessage('auto-reply', autoReply.hook);
  conversationHooks.onIncomingMessage('csat-comment', csat.commentHook);
  callbacks.register(CSAT_PREFIX, csat.onTap);
  const notifications = new NotificationsService(ctx, templates, telegramAdapters, emailSenders);
  const broadcastClicks = new BroadcastClicksService(ctx, callbacks);
  callbacks.register(BROADCAST_CALLBACK_PREFIX, broadcastClicks.onTap);
  // Customers' own preferences: the API's service, and /settings, /stop and their `pref:` buttons in Telegram.
  const preferences = new PreferencesService(ctx, (r) => r.notificationTypes.list());
  const preferenceCommands = new PreferenceCommands(ctx, preferences, telegramAdapters);
  receive.onCommand(preferenceCommands.onCommand);
  callbacks.register(PREFERENCES_PREFIX, preferenceCommands.onTap);
  // Automations (issue 8): rules and runs; their triggers hook the receive path and status changes, their actions call
  // the notification, reply and inbox services. Coupons and staff alerts plug in with automations.use({...}).
  const automations = new AutomationsService(ctx, {
    notifications,
    templates,
    outbound,
    assignment: new AssignmentService(ctx),
    conversations: new ConversationsService(ctx, conversationHooks),
  });
  conversationHooks.onIncomingMessage('automations', automations.triggers.incomingHook);
  conversationHooks.onStatusChanged('automations', (r, c) => automations.triggers.statusChanged(r, c));
  // Coupons and the staff bot (issue 8): staff-bot channels' updates leave the receive path for the staff bot; the
  // automation actions issue_coupon and notify_staff call these two services.
  const coupons = new CouponsService(ctx);
  const staffAlerts = new StaffAlertsService(ctx, telegramAdapters);
  const staffBotLinks = new StaffBotLinks(ctx);
  const staffBot = new StaffBotService(
    ctx,
    coupons,
    staffBotLinks,
    telegramAdapters,
    new TelegramFiles(channels),
  );
  receive.onStaffBot(staffBot.route);
  automations.use({
    coupons,
    staffAlerts: {
      notify: (a) => staffAlerts.notify({ ...a, kind: a.kind as never, roles: a.roles as never }),
    },
  });
  // Calendar triggers, the newsletter broadcast, the daily report and the retention cleanup (issue 8).
  const broadcasts = new BroadcastsService(ctx, templates, telegramAdapters);
  registerBuiltinActions(automations, { broadcasts, staffAlerts: () => staffAlerts });
  return {
    ctx,
    coupons,
    couponDelivery: new CouponDelivery(ctx, telegramAdapters, emailSenders),
    staffAlerts,
    staffBot,
    staffBotLinks,
    apiKeys: new ApiKeysService(ctx),
    assignment: new AssignmentService(ctx),
    audit: new AuditService(ctx),
    autoAssign: new AutoAssignService(ctx),
    auth: new AuthService(ctx),
    automations,
    automationCalendar: new CalendarTriggers(ctx),
    retention: new RetentionService(ctx),
    autoReply,
    // Batched sending for bulk callers (broadcasts): same adapters and limiter as `outbound`.
    bulkSender: new BulkSender(ctx, telegramAdapters),
    broadcastClicks,
    broadcasts: new BroadcastsService(ctx, templates, telegramAdapters),
    broadcastSentEdits: new BroadcastSentEditsService(ctx, telegramAdapters, templates),
    broadcastDelivery: new BroadcastDeliveryManager(ctx, telegramAdapters, templates, {
      ...DEFAULT_BROADCAST_DELIVERY,
      inDoubt: ctx.config.broadcastInDoubt,
    }),
    callbacks,
    channelHealth: new ChannelHealthService(ctx, channels),
    cannedResponses: new CannedResponsesService(ctx, templates, replies),
    channels,
    contactMessages: new ContactMessagesService(ctx, replies),
    contacts: new ContactsService(ctx),
    contactTimeline: new ContactTimelineService(ctx),
    conversationHooks,
    events: new EventsService(ctx),
    conversations: new ConversationsService(ctx, conversationHooks),
    csat,
    files: new FilesService(ctx, { telegram: new TelegramFiles(channels) }),
    imports: new ImportsService(ctx),
    memberships: new MembershipsService(ctx),
    emailSenders,
    // Incoming mail (IMAP holders and the built-in SMTP receiver store it; the email.process job applies it).
    emailReceive: new EmailReceiveService(ctx, receive),
    notifications,
    notificationTypes: new NotificationTypesService(ctx),
    // The topic form is a broadcast: its own BroadcastsService (stateless) keeps this one line.
    notificationTopics: new NotificationTopics(ctx, new BroadcastsService(ctx, templates, telegramAdapters)),
    preferences,
    preferenceCommands,
    preferencePage: new PreferencePage(ctx, preferences),
    inboxSettings: new InboxSettingsService(ctx),
    labels: new LabelsService(ctx),
    outbound,
    presence: new PresenceService(ctx),
    receive,
    replies,
    reports: new ReportsService(ctx),
    segments: new SegmentsService(ctx),
    segmentVocabulary: new SegmentVocabularyService(ctx),
    settings: new SettingsService(ctx),
    system: new SystemService(ctx),
    // The System page: queues, failed jobs and retry, workers, recurring jobs (jobs/cron.ts).
    systemAdmin: new SystemAdminService(ctx, cronItems()),
    teams: new TeamsService(ctx),
    templates,
    telegram: telegramReceiver,
    telegramDrain: new TelegramDrain(ctx, telegramReceiver),
    telegramLimiter,
    telegramRate: new TelegramRateService(ctx),
    telegramWebhooks: new TelegramWebhooks(ctx, channels),
    userNotifications: new UserNotificationsService(ctx),
    users: new UsersService(ctx),
  };
}

export type Services = ReturnType<typeof createServices>;
