import type { MessageKey } from '../../../i18n/en.ts';
import type { NotificationStatus } from '../api.ts';

/** Status names for the log and the detail. */
export const STATUS_LABEL: Record<NotificationStatus, MessageKey> = {
  queued: 'notifications.status.queued',
  delayed: 'notifications.status.delayed',
  sending: 'notifications.status.sending',
  sent: 'notifications.status.sent',
  skipped: 'notifications.status.skipped',
  failed: 'notifications.status.failed',
  digested: 'notifications.status.digested',
};

/** Events of a notification's history. */
export const EVENT_LABEL: Record<string, MessageKey> = {
  queued: 'notifications.event.queued',
  delayed: 'notifications.event.delayed',
  skipped: 'notifications.event.skipped',
  fallback: 'notifications.event.fallback',
  retry: 'notifications.event.retry',
  sending: 'notifications.event.sending',
  sent: 'notifications.event.sent',
  failed: 'notifications.event.failed',
  digested: 'notifications.event.digested',
};

export const CHANNEL_LABEL: Record<string, MessageKey> = {
  telegram: 'notifications.channel.telegram',
  email: 'notifications.channel.email',
};
