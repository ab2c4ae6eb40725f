import type { ContactPreferences, NotificationChannelKind, TypePreference } from '../db/schema.ts';
import { NOTIFICATION_CHANNEL_KINDS } from '../db/schema.ts';
import type { FieldProblem } from '../lib/errors.ts';
import { decideChannels, type PreferenceRule } from './notification-preferences.ts';
import type { ReplyLanguage } from './reply-language.ts';

/**
 * Pure rules of the preference surfaces (the API, the Telegram menu, the web page): what a contact chose, filled in with
 * the defaults (everything on), what a change may contain, and what each notification type would do for them now.
 * The delivery job applies the same rules on its own (services/notification-preferences.ts); this view explains them.
 */

/** A notification type as the preference surfaces need it. */
export interface PreferenceType {
  id: string;
  key: string;
  /** The type's name in each language it has; `name` when the language has none. */
  name: string;
  names: Partial<Record<ReplyLanguage, string>>;
  category: 'transactional' | 'marketing';
  /** Critical types (security codes, payment failures) ignore every opt-out. */
  critical: boolean;
  /** The channel kinds the type may use, in its order of preference. */
  channels: NotificationChannelKind[];
  /** Switched off by the business: nothing of this type is sent, so customers are not offered it. */
  enabled: boolean;
}

/** A contact's choices with every default filled in. */
export interface PreferencesState {
  /** Marketing at all (contacts.subscribed). */
  subscribed: boolean;
  preferredChannel: NotificationChannelKind | null;
  channels: Record<NotificationChannelKind, boolean>;
  /** Only the types the contact changed; a type absent is on with every channel. */
  types: Record<string, { enabled: boolean; channels: Record<NotificationChannelKind, boolean> }>;
}

/** A change as the API and the surfaces make it; parts left out keep their value. */
export interface PreferencesChange {
  subscribed?: boolean;
  preferredChannel?: NotificationChannelKind | null;
  channels?: Partial<Record<NotificationChannelKind, boolean>>;
  /** Replaces the stored per-type choices as a whole. */
  types?: Record<string, TypePreference>;
}

/** Why a type would not be sent to the contact: switched off by the business, or a preference rule of delivery. */
export type OffReason = 'type_disabled' | PreferenceRule;

/** What one type would do for the contact now. */
export interface EffectiveType {
  key: string;
  name: string;
  category: 'transactional' | 'marketing';
  critical: boolean;
  /** Whether a notification of this type would be sent (given a reachable channel). */
  enabled: boolean;
  /** Set when `enabled` is false. */
  reason: OffReason | null;
  /** The channel kinds it would try, in order (the preferred one first), reachable or not; empty when off. */
  channels: NotificationChannelKind[];
  /** The first of `channels` the contact can be reached on now, or null. */
  channel: NotificationChannelKind | null;
}

const allOn = (): Record<NotificationChannelKind, boolean> =>
  Object.fromEntries(NOTIFICATION_CHANNEL_KINDS.map((k) => [k, true])) as Record<
    NotificationChannelKind,
    boolean
  >;

/** Fills a stored per-channel map (absent kinds are on). */
function channelsOf(stored: Partial<Record<NotificationChannelKind, boolean>> | undefined) {
  const out = allOn();
  for (const kind of NOTIFICATION_CHANNEL_KINDS) if (stored?.[kind] === false) out[kind] = false;
  return out;
}

/** The contact's choices: their contact_preferences row (absent: all on) and contacts.subscribed. */
export function stateOf(subscribed: boolean, row: ContactPreferences | undefined): PreferencesState {
  const types: PreferencesState['types'] = {};
  for (const [key, pref] of Object.entries(row?.types ?? {}))
    types[key] = { enabled: pref.enabled !== false, channels: channelsOf(pref.channels) };
  return {
    subscribed,
    preferredChannel: row?.preferredChannel ?? null,
    channels: channelsOf(row?.channels),
    types,
  };
}

/** The contact's stored choice for a type (own keys only: a type may be called "constructor"). */
export function choiceOf(state: PreferencesState, key: string) {
  return Object.hasOwn(state.types, key) ? state.types[key] : undefined;
}

/** Whether the contact has a type on (per-type choice only; critical types are always on). */
export function typeChosen(state: PreferencesState, type: PreferenceType): boolean {
  return type.critical || choiceOf(state, type.key)?.enabled !== false;
}

/**
 * Problems with a change: unknown type keys, and opt-outs of critical types (which would be ignored, so storing them
 * would only mislead). Paths are those of the API body (`/types/<key>/enabled`).
 */
export function changeProblems(change: PreferencesChange, types: readonly PreferenceType[]): FieldProblem[] {
  const byKey = new Map(types.map((t) => [t.key, t]));
  const problems: FieldProblem[] = [];
  for (const [key, pref] of Object.entries(change.types ?? {})) {
    const type = byKey.get(key);
    if (!type) {
      problems.push({
        path: `/types/${key}`,
        message: `unknown notification type "${key}"; known types: ${[...byKey.keys()].join(', ')}`,
      });
      continue;
    }
    if (!type.critical) continue;
    const why = 'cannot be turned off: it is a critical notification type (it ignores opt-outs)';
    if (pref.enabled === false) problems.push({ path: `/types/${key}/enabled`, message: why });
    for (const [kind, on] of Object.entries(pref.channels ?? {}))
      if (on === false) problems.push({ path: `/types/${key}/channels/${kind}`, message: why });
  }
  return problems;
}

/** The stored form of per-type choices: only what differs from "on", so new defaults reach everyone else. */
export function compactTypes(types: Record<string, TypePreference>): Record<string, TypePreference> {
  const out: Record<string, TypePreference> = {};
  for (const [key, pref] of Object.entries(types)) {
    const off = Object.entries(pref.channels ?? {}).filter(([, on]) => on === false);
    const entry: TypePreference = {};
    if (pref.enabled === false) entry.enabled = false;
    if (off.length) entry.channels = Object.fromEntries(off);
    if (entry.enabled === false || entry.channels) out[key] = entry;
  }
  return out;
}

/**
 * The stored per-type map with some types switched on or off; other choices are kept, except those of types gone or
 * become critical since (a change carrying them would be refused).
 */
export function withTypesEnabled(
  state: PreferencesState,
  types: readonly PreferenceType[],
  changes: Record<string, boolean>,
): Record<string, TypePreference> {
  const open = new Set(types.filter((t) => !t.critical).map((t) => t.key));
  const out: Record<string, TypePreference> = {};
  for (const [k, pref] of Object.entries(state.types)) if (open.has(k)) out[k] = { ...pref };
  for (const [k, enabled] of Object.entries(changes))
    out[k] = { ...(Object.hasOwn(out, k) ? out[k] : {}), enabled };
  return compactTypes(out);
}

/** The name of a type in a language. */
export function typeName(type: PreferenceType, lang: ReplyLanguage): string {
  return type.names[lang] ?? type.name;
}

/**
 * What each type would do for the contact, by the delivery job's own rules (notification-preferences.ts
 * `decideChannels`, so the view cannot drift from what is sent): critical types always go; transactional ones honour
 * the per-type and per-channel opt-outs; marketing ones also the marketing switch. `reachable` says which kinds can
 * reach the contact now; the first of those in the order is the channel a notification would use.
 */
export function effectiveTypes(
  state: PreferencesState,
  types: readonly PreferenceType[],
  reachable: Record<NotificationChannelKind, boolean>,
  lang: ReplyLanguage,
): EffectiveType[] {
  const preferences = {
    preferredChannel: state.preferredChannel,
    channels: state.channels,
    types: state.types,
  };
  return types.map((type) => {
    const decision = decideChannels({ type, subscribed: state.subscribed, preferences, requested: null });
    const reason: OffReason | null = !type.enabled
      ? 'type_disabled'
      : decision.allowed
        ? null
        : decision.rule;
    const channels = decision.allowed ? decision.channels : [];
    return {
      key: type.key,
      name: typeName(type, lang),
      category: type.category,
      critical: type.critical,
      enabled: reason === null,
      reason,
      channels,
      channel: reason === null ? (channels.find((k) => reachable[k]) ?? null) : null,
    };
  });
}
