import { NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import { isClockTime } from './broadcast-timing.ts';
import { isTimezone } from './contact-fields.ts';
import { inTransaction, type ServiceContext } from './context.ts';

/** One setting: its default and its check (returns a problem message or null). */
interface SettingDefinition {
  default: unknown;
  description: string;
  validate(value: unknown): string | null;
}

/** The typed settings. Later issues add their keys here. */
export const SETTINGS: Record<string, SettingDefinition> = {
  workspace_name: {
    default: 'Switchboard',
    description: 'Name shown to the team and in customer-facing texts',
    validate: (v) =>
      typeof v === 'string' && v.trim().length >= 1 && v.length <= 100
        ? null
        : 'must be a string of 1 to 100 characters',
  },
  default_language: {
    default: 'ru',
    description: 'Language of customer-facing texts when a contact has none',
    validate: (v) => (v === 'ru' || v === 'en' ? null : 'must be "ru" or "en"'),
  },
  default_timezone: {
    default: 'Europe/Moscow',
    description: 'Time zone for contacts without one, and for reports',
    validate: (v) =>
      typeof v === 'string' && isTimezone(v) ? null : 'must be an IANA time zone such as Europe/Moscow',
  },
  conversation_categories: {
    default: ['general', 'payment', 'technical', 'content'],
    description: 'Categories a conversation can be given (PATCH /conversations/:id {category})',
    validate: (v) =>
      Array.isArray(v) &&
      v.length >= 1 &&
      v.length <= 50 &&
      v.every((c) => typeof c === 'string' && /^[\p{L}\p{N}_-]{1,50}$/u.test(c)) &&
      new Set(v).size === v.length
        ? null
        : 'must be 1 to 50 distinct names of letters, digits, "_" or "-" (up to 50 characters each)',
  },
  notification_quiet_hours: {
    default: { from: '22:00', to: '09:00' },
    description:
      "Quiet hours for marketing notifications in each contact's time zone ({from, to} as HH:MM), or null for none",
    validate: (v) =>
      v === null ||
      (typeof v === 'object' &&
        !Array.isArray(v) &&
        Object.keys(v).length === 2 &&
        isClockTime((v as Record<string, unknown>).from) &&
        isClockTime((v as Record<string, unknown>).to))
        ? null
        : 'must be null or {"from": "HH:MM", "to": "HH:MM"} (24 h)',
  },
  events_create_unknown_contacts: {
    default: true,
    description:
      'An event for an unknown contact externalId creates the contact (else the event is refused with 404)',
    validate: (v) => (typeof v === 'boolean' ? null : 'must be true or false'),
  },
};

/** The settings with their defaults filled in. */
export class SettingsService {
  constructor(private readonly ctx: ServiceContext) {}

  async getAll(): Promise<Record<string, unknown>> {
    const stored = await this.ctx.repos.settings.getAll();
    return Object.fromEntries(
      Object.entries(SETTINGS).map(([k, d]) => [k, stored.has(k) ? stored.get(k) : d.default]),
    );
  }

  async set(actor: Actor, key: string, value: unknown): Promise<unknown> {
    // Own keys only: `constructor` or `__proto__` must not find Object's members.
    const def = Object.hasOwn(SETTINGS, key) ? SETTINGS[key] : undefined;
    if (!def) throw new NotFoundError('Setting', key);
    const problem = def.validate(value);
    if (problem)
      throw new ValidationError(`Invalid value for ${key}`, [{ path: '/value', message: problem }]);
    await inTransaction(this.ctx, async (r) => {
      const before = await r.settings.get(key, true);
      await r.settings.set(key, value, actor.type === 'user' ? actor.id : null);
      await r.audit.record(actor, {
        action: 'setting.updated',
        entityType: 'setting',
        entityId: key,
        before: before ?? def.default,
        after: value,
      });
    });
    return value;
  }
}
