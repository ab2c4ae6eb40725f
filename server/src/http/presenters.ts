import type { ApiKey, AuditEntry, Contact, ContactImport, User } from '../db/schema.ts';
import type { ChannelHealth } from '../services/channel-health.service.ts';
import type { ChannelView } from '../services/channels.service.ts';

/** API shapes: what leaves the server. Secrets and hashes never appear here. */

const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());

export function presentUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    locale: u.locale,
    timezone: u.timezone,
    active: u.active,
    lastSeenAt: iso(u.lastSeenAt),
    createdAt: iso(u.createdAt)!,
    updatedAt: iso(u.updatedAt)!,
  };
}

export function presentApiKey(k: ApiKey) {
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    prefix: k.prefix,
    rateLimitPerMinute: k.rateLimitPerMinute,
    createdAt: iso(k.createdAt)!,
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
  };
}

export function presentContact(c: Contact) {
  return {
    id: c.id,
    externalId: c.externalId,
    name: c.name,
    firstName: c.firstName,
    lastName: c.lastName,
    username: c.username,
    phone: c.phone,
    email: c.email,
    language: c.language,
    timezone: c.timezone,
    birthday: c.birthday,
    tags: c.tags,
    attributes: c.attributes,
    subscribed: c.subscribed,
    unsubscribedAt: iso(c.unsubscribedAt),
    blocked: c.blocked,
    source: c.source,
    createdAt: iso(c.createdAt)!,
    updatedAt: iso(c.updatedAt)!,
    lastActivityAt: iso(c.lastActivityAt),
  };
}

export function presentAudit(a: AuditEntry) {
  return {
    id: String(a.id),
    actorType: a.actorType,
    actorId: a.actorId,
    actorName: a.actorName,
    action: a.action,
    entityType: a.entityType,
    entityId: a.entityId,
    before: a.before ?? null,
    after: a.after ?? null,
    ip: a.ip,
    requestId: a.requestId,
    createdAt: iso(a.createdAt)!,
  };
}

export function presentImport(i: ContactImport) {
  return {
    id: i.id,
    status: i.status,
    filename: i.filename,
    channelId: i.channelId,
    bytes: Number(i.bytes),
    processedRows: i.processedRows,
    createdRows: i.createdRows,
    updatedRows: i.updatedRows,
    rejectedRows: i.rejectedRows,
    error: i.error,
    createdAt: iso(i.createdAt)!,
    startedAt: iso(i.startedAt),
    finishedAt: iso(i.finishedAt),
  };
}

/** A channel: the bot and a hint of its token, never the token or the webhook secret. */
export function presentChannel(c: ChannelView) {
  return {
    id: c.id,
    type: c.type,
    name: c.name,
    status: c.status,
    mode: c.mode,
    apiRoot: c.apiRoot,
    settings: c.settings,
    bot: { id: c.externalId, username: c.username },
    tokenHint: c.tokenHint,
    health: {
      lastUpdateAt: iso(c.lastUpdateAt),
      lastError: c.lastError,
      lastErrorAt: iso(c.lastErrorAt),
      pausedUntil: iso(c.pausedUntil),
    },
    createdAt: iso(c.createdAt)!,
    updatedAt: iso(c.updatedAt)!,
  };
}

/** The channel health view (GET /api/v1/channels/:id/health). */
export function presentChannelHealth(h: ChannelHealth) {
  const { channel: c, updates, webhook, polling, sending } = h;
  return {
    channelId: c.id,
    status: c.status,
    mode: c.mode,
    lastUpdateAt: iso(c.lastUpdateAt),
    lastError: c.lastError,
    lastErrorAt: iso(c.lastErrorAt),
    updates: {
      unprocessed: updates.unprocessed,
      lastProcessingError: updates.lastProcessingError && {
        updateId: updates.lastProcessingError.updateId,
        error: updates.lastProcessingError.error,
        receivedAt: iso(updates.lastProcessingError.receivedAt)!,
      },
    },
    webhook: webhook && {
      url: webhook.url,
      pendingUpdateCount: webhook.pendingUpdateCount,
      lastErrorDate: iso(webhook.lastErrorDate),
      lastErrorMessage: webhook.lastErrorMessage,
      maxConnections: webhook.maxConnections,
    },
    webhookInfoError: h.webhookInfoError,
    polling: polling && {
      offset: polling.offset,
      lease: polling.lease && {
        databasePid: polling.lease.databasePid,
        applicationName: polling.lease.applicationName,
        clientAddress: polling.lease.clientAddress,
        connectedAt: iso(polling.lease.connectedAt),
      },
    },
    sending: {
      sentLastMinute: sending.sentLastMinute,
      pausedUntil: iso(sending.pausedUntil),
      rateLimitPerSecond: sending.rateLimitPerSecond,
      paidBroadcasts: sending.paidBroadcasts,
    },
    checkedAt: iso(h.checkedAt)!,
  };
}

/** A contact event. `id` is a string: event ids are bigints. */
export function presentEvent(e: {
  id: string;
  contactId: string;
  name: string;
  occurredAt: Date;
  properties: Record<string, unknown> | null;
  idempotencyKey: string | null;
  createdAt: Date;
}) {
  return {
    id: String(e.id),
    contactId: e.contactId,
    name: e.name,
    occurredAt: iso(e.occurredAt)!,
    properties: e.properties ?? {},
    idempotencyKey: e.idempotencyKey,
    createdAt: iso(e.createdAt)!,
  };
}

/** A saved segment; `builtIn` marks the ones shipped with the product (`builtInKey` names which). */
export function presentSegment(s: {
  id: string;
  name: string;
  description: string | null;
  filter: unknown;
  builtIn: string | null;
  createdAt: Date;
  updatedAt: Date;
}) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    filter: s.filter,
    builtIn: s.builtIn !== null,
    builtInKey: s.builtIn,
    createdAt: iso(s.createdAt)!,
    updatedAt: iso(s.updatedAt)!,
  };
}

/** A message template (services/templates). */
export function presentTemplate(t: import('../db/schema.ts').TemplateRow) {
  return {
    id: t.id,
    key: t.key,
    name: t.name,
    format: t.format,
    body: t.body,
    variants: t.variants,
    buttons: t.buttons as import('../services/templates/types.ts').TemplateButton[][],
    attachmentId: t.attachmentId,
    sampleData: t.sampleData,
    subject: t.subject ?? null,
    subjectVariants: t.subjectVariants ?? {},
    builtIn: t.builtIn,
    version: t.version,
    createdAt: iso(t.createdAt)!,
    updatedAt: iso(t.updatedAt)!,
  };
}
