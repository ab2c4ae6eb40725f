import type { Contact, NotificationChannelKind, NotificationType } from '../db/schema.ts';
import { NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { Repos } from '../repositories/index.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import {
  changeProblems,
  choiceOf,
  compactTypes,
  type EffectiveType,
  effectiveTypes,
  type PreferencesChange,
  type PreferenceType,
  stateOf,
} from './preferences.view.ts';
import { type ReplyLanguage, replyLanguage } from './reply-language.ts';

/** A contact's preferences as the API shows them: every known type filled in, and what each would do now. */
export interface PreferencesView {
  contactId: string;
  subscribed: boolean;
  preferredChannel: NotificationChannelKind | null;
  channels: Record<NotificationChannelKind, boolean>;
  types: Record<string, { enabled: boolean; channels: Record<NotificationChannelKind, boolean> }>;
  /** Which channel kinds can reach the contact now (a reachable Telegram identity; an email address not bouncing). */
  reachable: Record<NotificationChannelKind, boolean>;
  effective: EffectiveType[];
}

/** Who changed a contact's preferences when the contact did it themselves (the audit log has no contact actor). */
export const contactActor = (where: string): Actor => ({
  type: 'system',
  id: null,
  name: `contact (${where})`,
});

/**
 * A type's name in each language. Built-in types are named "Русское / English"; a name without the separator is the
 * same in every language.
 */
export function namesOf(name: string): PreferenceType['names'] {
  const parts = name.split(' / ');
  return parts.length === 2 ? { ru: parts[0]!.trim(), en: parts[1]!.trim() } : {};
}

/** A notification_types row as the preference surfaces see it. */
export function preferenceTypeOf(row: NotificationType): PreferenceType {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    names: namesOf(row.name),
    category: row.category,
    critical: row.critical,
    channels: row.channels,
    enabled: row.enabled,
  };
}

/** Reads the notification types (built-in first, then by key: the order customers see them in). */
export type TypesSource = (r: Repos) => Promise<NotificationType[]>;

/**
 * Contacts' notification preferences: the business's API (GET/PUT /contacts/:id/preferences) and the contact's own
 * changes from Telegram (/settings, /stop) and the web page. Every change is audited and, when the marketing switch
 * moves, published as `contact.updated`, in the transaction of the change.
 */
export class PreferencesService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly typesSource: TypesSource,
  ) {}

  /** The notification types in the order customers see them. */
  async types(r: Repos): Promise<PreferenceType[]> {
    return (await this.typesSource(r)).map(preferenceTypeOf);
  }

  /** GET /contacts/:id/preferences. */
  async get(contactId: string): Promise<PreferencesView> {
    const r = this.ctx.repos;
    const contact = await r.contacts.get(contactId);
    if (!contact) throw new NotFoundError('Contact', contactId);
    return this.view(r, contact);
  }

  /** PUT /contacts/:id/preferences: parts left out keep their value; `types` replaces the per-type choices whole. */
  put(actor: Actor, contactId: string, change: PreferencesChange): Promise<PreferencesView> {
    return inTransaction(this.ctx, async (r) => {
      const contact = await this.apply(r, actor, contactId, change);
      return this.view(r, contact);
    });
  }

  /**
   * Checks and stores a change in the caller's transaction (the contact row is locked, so two changes of one contact
   * apply one after the other); returns the contact as it now is.
   */
  async apply(r: Repos, actor: Actor, contactId: string, change: PreferencesChange): Promise<Contact> {
    const problems = changeProblems(change, await this.types(r));
    if (problems.length) throw new ValidationError('Invalid preferences', problems);
    const before = await r.contacts.get(contactId, true);
    if (!before) throw new NotFoundError('Contact', contactId);
    const { subscribed, ...rest } = change;
    let contact = before;
    if (subscribed !== undefined && subscribed !== before.subscribed) {
      contact = (await r.contacts.update(contactId, { subscribed }))!;
      await r.realtime.publish('contacts', 'contact.updated', { contact: contact as never });
    }
    if (rest.preferredChannel !== undefined || rest.channels || rest.types)
      await r.preferences.put(contactId, {
        ...rest,
        ...(rest.channels ? { channels: onlyOff(rest.channels) } : {}),
        ...(rest.types ? { types: compactTypes(rest.types) } : {}),
      });
    await r.audit.record(actor, {
      action: 'contact.preferences_updated',
      entityType: 'contact',
      entityId: contactId,
      after: change,
    });
    return contact;
  }

  /** The full view of a contact's preferences. */
  async view(r: Repos, contact: Contact, lang?: ReplyLanguage): Promise<PreferencesView> {
    const [types, row, identities, address] = await Promise.all([
      this.types(r),
      r.preferences.get(contact.id),
      r.contacts.identities(contact.id),
      contact.email ? r.emailAddresses.get(contact.email) : Promise.resolve(undefined),
    ]);
    const state = stateOf(contact.subscribed, row);
    const reachable: Record<NotificationChannelKind, boolean> = {
      telegram: identities.some((i) => i.channelType === 'telegram' && i.reachable),
      email: contact.email !== null && address?.status !== 'unreachable',
    };
    const filled: PreferencesView['types'] = {};
    for (const type of types) {
      const chosen = choiceOf(state, type.key);
      filled[type.key] = type.critical
        ? { enabled: true, channels: { telegram: true, email: true } }
        : (chosen ?? { enabled: true, channels: { telegram: true, email: true } });
    }
    return {
      contactId: contact.id,
      subscribed: state.subscribed,
      preferredChannel: state.preferredChannel,
      channels: state.channels,
      types: filled,
      reachable,
      effective: effectiveTypes(state, types, reachable, lang ?? (await replyLanguage(r, contact.language))),
    };
  }
}

/** Per-channel choices are stored as the kinds turned off (absent = on). */
function onlyOff(channels: Partial<Record<NotificationChannelKind, boolean>>) {
  return Object.fromEntries(Object.entries(channels).filter(([, on]) => on === false));
}
