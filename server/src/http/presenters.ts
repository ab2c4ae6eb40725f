import type { ApiKey, AuditEntry, Contact, ContactImport, User } from '../db/schema.ts';
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
