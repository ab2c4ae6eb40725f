import type { Availability, Channel } from '../../lib/types.ts';

/** A channel as GET /channels/:id answers it: the list's fields plus its type's settings and API root. */
export interface ChannelDetail extends Channel {
  apiRoot: string | null;
  settings: Record<string, unknown>;
  createdAt: string;
  /** Telegram only: the bot serves the team (docs/staff-bot.md), never customers. */
  staffBot?: boolean;
}

/** GET /channels/:id/health (docs/api.md "Channel health"). */
export interface ChannelHealth {
  status: string;
  mode: string | null;
  lastUpdateAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  updates: {
    unprocessed: number;
    lastProcessingError: { updateId: number; error: string; receivedAt: string } | null;
  };
  webhook: {
    url: string;
    pendingUpdateCount: number;
    lastErrorDate: string | null;
    lastErrorMessage: string | null;
    maxConnections: number | null;
  } | null;
  webhookInfoError: string | null;
  polling: {
    offset: number | null;
    lease: { databasePid: number; applicationName: string | null; connectedAt: string | null } | null;
  } | null;
  sending: {
    sentLastMinute: number;
    pausedUntil: string | null;
    rateLimitPerSecond: number;
    paidBroadcasts: boolean;
  };
  checkedAt: string;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export interface HoursRange {
  from: string;
  to: string;
}
export interface LocalizedText {
  ru: string;
  en: string;
}

/** A channel's inbox behaviour (GET /channels/:id/inbox-settings, defaults filled in). */
export interface InboxSettings {
  reopenWindowHours: number;
  autoAssign: {
    enabled: boolean;
    order: 'longest_waiting' | 'earliest_created';
    maxPerAgent: number | null;
    fairLimit: { count: number; windowMinutes: number } | null;
  };
  autoReply: { enabled: boolean; message: LocalizedText; outOfHoursMessage: LocalizedText };
  businessHours: { enabled: boolean; timezone: string; week: Record<Weekday, HoursRange[]> };
  /** Empty texts mean the built-in ones (CsatTexts), in the customer's language. */
  csat: {
    enabled: boolean;
    windowHours: number;
    question: LocalizedText;
    thanks: LocalizedText;
    commentPrompt: LocalizedText;
  };
}

/** The CSAT texts a channel may replace. */
export type CsatTextKey = 'question' | 'thanks' | 'commentPrompt';

/** The built-in CSAT texts (GET /inbox-settings/csat-texts): what an empty channel text sends. */
export type CsatTexts = Record<CsatTextKey, LocalizedText>;

export interface ChannelMember {
  userId: string;
  displayName: string;
  email: string;
  role: string;
  capacity: number | null;
  availability: Availability;
  online: boolean;
}
