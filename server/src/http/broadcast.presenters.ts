import type { Broadcast } from '../db/schema.ts';
import type { DeliveryPage } from '../services/broadcasts.reads.ts';
import { DELIVERY_STATUSES } from './broadcast.schemas.ts';

/** API shapes of broadcasts and their recipients. */

const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());
/** Counters before any recipient exists: every key present, so clients need not guess. */
const ZERO_STATS: Record<string, number> = Object.fromEntries([
  ['total', 0],
  ...DELIVERY_STATUSES.map((s) => [s, 0]),
]);

/** A broadcast; `stats` always carries every status (zero before the snapshot) plus `total` and `skipped_<reason>`. */
export function presentBroadcast(b: Broadcast) {
  return {
    id: b.id,
    title: b.title,
    channelId: b.channelId,
    segmentId: b.segmentId,
    filter: b.filter ?? null,
    templateId: b.templateId,
    content: b.content,
    buttons: b.buttons ?? [],
    attachmentId: b.attachmentId,
    status: b.status,
    statusReason: b.statusReason,
    scheduledAt: iso(b.scheduledAt),
    localTime: b.localTime,
    quietHours: b.quietHours ?? null,
    paidBroadcast: b.paidBroadcast,
    stats: { ...ZERO_STATS, ...(b.stats ?? {}) },
    startedAt: iso(b.startedAt),
    finishedAt: iso(b.finishedAt),
    createdBy: b.createdBy,
    createdAt: iso(b.createdAt)!,
    updatedAt: iso(b.updatedAt)!,
  };
}

/** One recipient: who, where, and what happened. */
export function presentDelivery(d: DeliveryPage['data'][number]) {
  return {
    id: String(d.id),
    contactId: d.contactId,
    contactName: d.name ?? ([d.firstName, d.lastName].filter(Boolean).join(' ') || null),
    username: d.username,
    chatExternalId: d.chatExternalId,
    status: d.status,
    reason: d.reason,
    attempts: d.attempts,
    externalId: d.externalId,
    notBefore: iso(d.notBefore),
    sentAt: iso(d.sentAt),
    updatedAt: iso(d.updatedAt)!,
  };
}
