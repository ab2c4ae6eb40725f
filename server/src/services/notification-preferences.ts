import type { NotificationCategory, NotificationChannelKind, TypePreference } from '../db/schema.ts';
import { type QuietHours, quietHoldUntil } from './broadcast-timing.ts';

/**
 * Which channels a notification may use, by the contact's preferences and the type's category. Pure: the delivery job
 * calls it with what it read when it runs (never when the notification was queued), and the unit tests pin every rule.
 */

/** Why a notification or one of its channels was left out; stored in the log as `rule`. */
export type PreferenceRule =
  | 'unsubscribed'
  | 'type_opted_out'
  | 'channel_opted_out'
  | 'type_channel_opted_out'
  | 'all_channels_opted_out';

/** What the rules need of the type. */
export interface RuleType {
  key: string;
  category: NotificationCategory;
  critical: boolean;
  channels: readonly NotificationChannelKind[];
}

/** What the rules need of the contact's choices (contact_preferences; null when they never chose anything). */
export interface RulePreferences {
  preferredChannel: NotificationChannelKind | null;
  channels: Partial<Record<NotificationChannelKind, boolean>>;
  types: Record<string, TypePreference>;
}

export type ChannelDecision =
  | { allowed: false; rule: PreferenceRule }
  | {
      allowed: true;
      /** The channel kinds to try, in order. */
      channels: NotificationChannelKind[];
      /** Kinds the order had but a preference removed. */
      excluded: Array<{ channel: NotificationChannelKind; rule: PreferenceRule }>;
    };

/**
 * The channel order: the call's own `channels`, else the contact's preferred channel first (when the type has it), else
 * the type's order.
 */
export function channelOrder(
  type: RuleType,
  requested: readonly NotificationChannelKind[] | null,
  preferred: NotificationChannelKind | null,
): NotificationChannelKind[] {
  if (requested?.length) return [...requested];
  if (preferred && type.channels.includes(preferred))
    return [preferred, ...type.channels.filter((c) => c !== preferred)];
  return [...type.channels];
}

/**
 * - critical types ignore every opt-out (a payment failure or a security code must arrive);
 * - transactional types honour the per-type switch and the per-channel switches (global and per type);
 * - marketing types also honour the global unsubscribe (contacts.subscribed = false).
 * Quiet hours are a matter of when, not whether: see `quietUntil`.
 */
export function decideChannels(input: {
  type: RuleType;
  subscribed: boolean;
  preferences: RulePreferences | null;
  requested: readonly NotificationChannelKind[] | null;
}): ChannelDecision {
  const { type, preferences: p } = input;
  const order = channelOrder(type, input.requested, p?.preferredChannel ?? null);
  if (type.critical) return { allowed: true, channels: order, excluded: [] };
  if (type.category === 'marketing' && !input.subscribed) return { allowed: false, rule: 'unsubscribed' };
  // Own properties only: a type key such as "constructor" must not find Object's members.
  const typePref = p && Object.hasOwn(p.types, type.key) ? p.types[type.key] : undefined;
  if (typePref?.enabled === false) return { allowed: false, rule: 'type_opted_out' };
  const channels: NotificationChannelKind[] = [];
  const excluded: Array<{ channel: NotificationChannelKind; rule: PreferenceRule }> = [];
  for (const channel of order) {
    if (p?.channels[channel] === false) excluded.push({ channel, rule: 'channel_opted_out' });
    else if (typePref?.channels?.[channel] === false)
      excluded.push({ channel, rule: 'type_channel_opted_out' });
    else channels.push(channel);
  }
  if (!channels.length) return { allowed: false, rule: 'all_channels_opted_out' };
  return { allowed: true, channels, excluded };
}

/**
 * When a notification must wait for the end of quiet hours in the contact's time zone: marketing only (transactional
 * and critical ones go at once); null when it may go now or quiet hours are off.
 */
export function quietUntil(
  type: Pick<RuleType, 'category' | 'critical'>,
  now: Date,
  timeZone: string,
  quiet: QuietHours | null,
): Date | null {
  if (type.category !== 'marketing' || type.critical || !quiet) return null;
  return quietHoldUntil(now, timeZone, quiet);
}
