import type { Channel } from '../db/schema.ts';
import { type FieldProblem, NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import { isTimezone } from './contact-fields.ts';
import { inTransaction, type ServiceContext } from './context.ts';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** A range of local time, `HH:MM`; `from > to` crosses midnight (22:00–06:00). */
export interface HoursRange {
  from: string;
  to: string;
}

export interface LocalizedText {
  ru: string;
  en: string;
}

/** Inbox behaviour of one channel (channels.inbox_settings), with every default filled in. */
export interface InboxSettings {
  /** A customer message within this many hours of resolving reopens the conversation; later, a new one starts. */
  reopenWindowHours: number;
  autoAssign: {
    enabled: boolean;
    order: 'longest_waiting' | 'earliest_created';
    /** Default capacity of a member without one (channel_members.capacity); null = unlimited. */
    maxPerAgent: number | null;
    /** At most `count` automatic assignments per agent within `windowMinutes`; null = no limit. */
    fairLimit: { count: number; windowMinutes: number } | null;
  };
  autoReply: { enabled: boolean; message: LocalizedText; outOfHoursMessage: LocalizedText };
  businessHours: { enabled: boolean; timezone: string; week: Record<Weekday, HoursRange[]> };
  /** The survey's texts per language: empty = the built-in text (services/csat.texts.ts) in the customer's language. */
  csat: {
    enabled: boolean;
    windowHours: number;
    question: LocalizedText;
    thanks: LocalizedText;
    commentPrompt: LocalizedText;
  };
}

/** The CSAT texts a channel may replace. */
export const CSAT_TEXT_KEYS = ['question', 'thanks', 'commentPrompt'] as const;
export type CsatTextKey = (typeof CSAT_TEXT_KEYS)[number];
/** Longest CSAT text: the question and its buttons must stay one Telegram message, and the thanks a short one. */
export const MAX_CSAT_TEXT = 1024;

const WORKDAY: HoursRange[] = [{ from: '09:00', to: '18:00' }];

export const DEFAULT_INBOX_SETTINGS: InboxSettings = {
  reopenWindowHours: 24,
  autoAssign: { enabled: false, order: 'longest_waiting', maxPerAgent: null, fairLimit: null },
  autoReply: {
    enabled: true,
    message: {
      ru: 'Спасибо за обращение! Мы ответим в течение 24 часов.',
      en: 'Thank you for contacting us! We will reply within 24 hours.',
    },
    outOfHoursMessage: {
      ru: 'Спасибо за обращение! Сейчас мы не работаем и ответим в рабочее время.',
      en: 'Thank you for contacting us! We are away right now and will reply during business hours.',
    },
  },
  businessHours: {
    enabled: false,
    timezone: 'Europe/Moscow',
    week: { mon: WORKDAY, tue: WORKDAY, wed: WORKDAY, thu: WORKDAY, fri: WORKDAY, sat: [], sun: [] },
  },
  // Empty rather than a copy of the built-in texts: a channel nobody customised follows the product's wording.
  csat: {
    enabled: false,
    windowHours: 24,
    question: { ru: '', en: '' },
    thanks: { ru: '', en: '' },
    commentPrompt: { ru: '', en: '' },
  },
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge key by key; anything else (arrays, null, scalars) replaces. `week` days replace whole. */
function merge(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(base[k], v);
  return out;
}

/** A channel's inbox settings: stored keys over the defaults (stored values were validated when written). */
export function inboxSettingsOf(channel: Pick<Channel, 'inboxSettings'>): InboxSettings {
  return merge(structuredClone(DEFAULT_INBOX_SETTINGS), channel.inboxSettings ?? {}) as InboxSettings;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const MAX_TEXT = 4096;

/** Checks a complete settings object; every problem is reported with its JSON path. Unknown keys are refused. */
function check(s: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const bad = (path: string, message: string) => problems.push({ path, message });
  const keysOnly = (obj: Record<string, unknown>, path: string, allowed: string[]) => {
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) bad(`${path}/${k}`, 'unknown setting');
  };
  const int = (v: unknown, path: string, min: number, max: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      bad(path, `must be an integer from ${min} to ${max}`);
  };
  const bool = (v: unknown, path: string) => {
    if (typeof v !== 'boolean') bad(path, 'must be true or false');
  };
  const obj = (v: unknown, path: string): Record<string, unknown> | null => {
    if (isObject(v)) return v;
    bad(path, 'must be an object');
    return null;
  };
  const text = (v: unknown, path: string, optional = false, max = MAX_TEXT) => {
    const o = obj(v, path);
    if (!o) return;
    keysOnly(o, path, ['ru', 'en']);
    for (const lang of ['ru', 'en']) {
      const value = o[lang];
      if (typeof value !== 'string' || (!optional && value.trim() === '') || value.length > max)
        bad(
          `${path}/${lang}`,
          optional
            ? `must be a string of at most ${max} characters (empty: the built-in text)`
            : `must be a non-empty string of at most ${max} characters`,
        );
    }
  };

  keysOnly(s, '', ['reopenWindowHours', 'autoAssign', 'autoReply', 'businessHours', 'csat']);
  int(s.reopenWindowHours, '/reopenWindowHours', 0, 24 * 365);

  const a = obj(s.autoAssign, '/autoAssign');
  if (a) {
    keysOnly(a, '/autoAssign', ['enabled', 'order', 'maxPerAgent', 'fairLimit']);
    bool(a.enabled, '/autoAssign/enabled');
    if (a.order !== 'longest_waiting' && a.order !== 'earliest_created')
      bad('/autoAssign/order', 'must be "longest_waiting" or "earliest_created"');
    if (a.maxPerAgent !== null) int(a.maxPerAgent, '/autoAssign/maxPerAgent', 0, 10_000);
    if (a.fairLimit !== null) {
      const f = obj(a.fairLimit, '/autoAssign/fairLimit');
      if (f) {
        keysOnly(f, '/autoAssign/fairLimit', ['count', 'windowMinutes']);
        int(f.count, '/autoAssign/fairLimit/count', 1, 10_000);
        int(f.windowMinutes, '/autoAssign/fairLimit/windowMinutes', 1, 7 * 24 * 60);
      }
    }
  }

  const r = obj(s.autoReply, '/autoReply');
  if (r) {
    keysOnly(r, '/autoReply', ['enabled', 'message', 'outOfHoursMessage']);
    bool(r.enabled, '/autoReply/enabled');
    text(r.message, '/autoReply/message');
    text(r.outOfHoursMessage, '/autoReply/outOfHoursMessage');
  }

  const b = obj(s.businessHours, '/businessHours');
  if (b) {
    keysOnly(b, '/businessHours', ['enabled', 'timezone', 'week']);
    bool(b.enabled, '/businessHours/enabled');
    if (typeof b.timezone !== 'string' || !isTimezone(b.timezone))
      bad('/businessHours/timezone', 'must be an IANA time zone such as Europe/Moscow');
    const w = obj(b.week, '/businessHours/week');
    if (w) {
      keysOnly(w, '/businessHours/week', [...WEEKDAYS]);
      for (const day of WEEKDAYS) {
        const path = `/businessHours/week/${day}`;
        const ranges = w[day];
        if (!Array.isArray(ranges) || ranges.length > 10) {
          bad(path, 'must be a list of at most 10 {from, to} ranges');
          continue;
        }
        ranges.forEach((range, i) => {
          const o = obj(range, `${path}/${i}`);
          if (!o) return;
          keysOnly(o, `${path}/${i}`, ['from', 'to']);
          for (const k of ['from', 'to'])
            if (typeof o[k] !== 'string' || !TIME.test(o[k] as string))
              bad(`${path}/${i}/${k}`, 'must be HH:MM');
          if (o.from === o.to && typeof o.from === 'string') bad(`${path}/${i}`, 'from and to must differ');
        });
      }
    }
  }

  const c = obj(s.csat, '/csat');
  if (c) {
    keysOnly(c, '/csat', ['enabled', 'windowHours', ...CSAT_TEXT_KEYS]);
    bool(c.enabled, '/csat/enabled');
    int(c.windowHours, '/csat/windowHours', 1, 24 * 30);
    for (const key of CSAT_TEXT_KEYS) text(c[key], `/csat/${key}`, true, MAX_CSAT_TEXT);
  }
  return problems;
}

/**
 * Applies a partial change to current settings and validates the result: objects merge key by key, other values
 * (arrays, null, scalars) replace. Returns the complete settings or throws a 400 naming each bad field.
 */
export function validateInboxSettings(current: InboxSettings, patch: unknown): InboxSettings {
  if (!isObject(patch))
    throw new ValidationError('Invalid inbox settings', [{ path: '', message: 'must be an object' }]);
  const next = merge(structuredClone(current), patch) as Record<string, unknown>;
  const problems = check(next);
  if (problems.length > 0) throw new ValidationError('Invalid inbox settings', problems);
  return next as unknown as InboxSettings;
}

/** Reading and changing a channel's inbox settings (GET/PATCH /channels/:id/inbox-settings). */
export class InboxSettingsService {
  constructor(private readonly ctx: ServiceContext) {}

  async get(channelId: string): Promise<InboxSettings> {
    const channel = await this.ctx.repos.channels.get(channelId);
    if (!channel) throw new NotFoundError('Channel', channelId);
    return inboxSettingsOf(channel);
  }

  async update(actor: Actor, channelId: string, patch: unknown): Promise<InboxSettings> {
    return inTransaction(this.ctx, async (r) => {
      const channel = await r.channels.getForUpdate(channelId);
      if (!channel) throw new NotFoundError('Channel', channelId);
      const before = inboxSettingsOf(channel);
      const next = validateInboxSettings(before, patch);
      // Stored complete: later changes of a default do not silently change a channel someone configured.
      await r.channels.update(channelId, { inboxSettings: JSON.stringify(next) });
      await r.audit.record(actor, {
        action: 'channel.inbox_settings_updated',
        entityType: 'channel',
        entityId: channelId,
        before,
        after: next,
      });
      return next;
    });
  }
}
