/** API shapes the settings pages read (docs/api.md; every field in the OpenAPI document at /api/docs). */

export interface Team {
  id: string;
  name: string;
  description: string | null;
  allowAutoAssign: boolean;
  members: { userId: string; displayName: string; email: string }[];
}

export interface Label {
  id: string;
  name: string;
  color: string;
  description: string | null;
}

export interface CannedResponseRow {
  id: string;
  shortCode: string;
  content: string;
  updatedAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  role: string;
  prefix: string;
  rateLimitPerMinute: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  id: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  createdAt: string;
}

export interface LoginLink {
  token: string;
  url: string;
  expiresAt: string;
}
