import type { Notification, NotificationLogEntry, NotificationType } from '../db/schema.ts';

/** API shapes of notifications, their log and notification types. */

const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());

export function presentNotification(n: Notification) {
  return {
    id: n.id,
    type: n.typeKey,
    typeId: n.typeId,
    contactId: n.contactId,
    status: n.status,
    channel: n.channel,
    channelId: n.channelId,
    externalId: n.externalId,
    reason: n.reason,
    data: n.data ?? {},
    channels: n.channels,
    idempotencyKey: n.idempotencyKey,
    sendAt: iso(n.sendAt),
    digestId: n.digestId,
    sentAt: iso(n.sentAt),
    createdAt: iso(n.createdAt)!,
    updatedAt: iso(n.updatedAt)!,
  };
}

export function presentLogEntry(e: NotificationLogEntry) {
  return { event: e.event, channel: e.channel, detail: e.detail ?? {}, at: iso(e.at)! };
}

export function presentNotificationType(t: NotificationType) {
  return {
    id: t.id,
    key: t.key,
    name: t.name,
    description: t.description,
    category: t.category,
    critical: t.critical,
    channels: t.channels,
    templates: { telegram: t.telegramTemplateId, email: t.emailTemplateId },
    emailChannelId: t.emailChannelId,
    throttle:
      t.throttleLimit && t.throttlePeriodSeconds
        ? { limit: t.throttleLimit, periodSeconds: t.throttlePeriodSeconds }
        : null,
    digestWindowSeconds: t.digestWindowSeconds,
    enabled: t.enabled,
    builtIn: t.builtIn,
    createdAt: iso(t.createdAt)!,
    updatedAt: iso(t.updatedAt)!,
  };
}
