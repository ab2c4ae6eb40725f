import type { Contact, NotificationChannelKind } from '../db/schema.ts';
import { NOTIFICATION_CHANNEL_KINDS } from '../db/schema.ts';
import type { Repos } from '../repositories/index.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { offeredTypes } from './preference-commands.menu.ts';
import { verifyPreferenceToken } from './preference-links.ts';
import { contactActor, type PreferencesService } from './preferences.service.ts';
import {
  type PreferencesState,
  type PreferenceType,
  stateOf,
  typeChosen,
  typeName,
  withTypesEnabled,
} from './preferences.view.ts';
import type { ReplyLanguage } from './reply-language.ts';

/** What the preference page shows: the toggles a contact can change, in their language. */
export interface PreferencePageModel {
  lang: ReplyLanguage;
  workspaceName: string;
  subscribed: boolean;
  types: Array<{ key: string; name: string; on: boolean }>;
  /** The channel kinds the contact has (a Telegram identity, an email address), each on or off. */
  channels: Array<{ kind: NotificationChannelKind; on: boolean }>;
}

/** The form the page posts: each checked box's name with its values (absent = unchecked). */
export type PreferenceForm = Record<string, string | string[] | undefined>;

const valuesOf = (form: PreferenceForm, name: string): string[] => {
  const v = form[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

/**
 * The page language: the contact's own (ru/en), else the browser's first ru/en in Accept-Language, else the workspace's.
 */
export function pageLanguage(
  contactLanguage: string | null,
  acceptLanguage: string | undefined,
  workspaceDefault: unknown,
): ReplyLanguage {
  const primary = (tag: string | null | undefined) => tag?.trim().toLowerCase().split(/[-_;]/)[0];
  const own = primary(contactLanguage);
  if (own === 'ru' || own === 'en') return own;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { lang: primary(tag), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => (x.lang === 'ru' || x.lang === 'en') && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  if (ranked[0]) return ranked[0].lang as ReplyLanguage;
  return workspaceDefault === 'en' ? 'en' : 'ru';
}

/**
 * The customer's preference page behind a signed link (services/preference-links.ts): no login, the token is the only
 * credential, so a token that does not verify, or names a deleted contact, gets nothing (the route answers 404).
 */
export class PreferencePage {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly preferences: PreferencesService,
  ) {}

  /** The page of the contact the token names, or null. */
  async load(token: string, acceptLanguage: string | undefined): Promise<PreferencePageModel | null> {
    const contactId = verifyPreferenceToken(this.ctx.secretBox, token);
    if (!contactId) return null;
    const contact = await this.ctx.repos.contacts.get(contactId);
    return contact ? this.model(this.ctx.repos, contact, acceptLanguage) : null;
  }

  /**
   * Saves the form (POST /p/:token): each toggle the page showed (listed in its hidden `shown` fields) takes the state
   * of its checkbox; types and channels the page did not show keep their value. Null for a bad token.
   */
  save(
    token: string,
    form: PreferenceForm,
    acceptLanguage: string | undefined,
  ): Promise<PreferencePageModel | null> {
    const contactId = verifyPreferenceToken(this.ctx.secretBox, token);
    if (!contactId) return Promise.resolve(null);
    return inTransaction(this.ctx, async (r) => {
      const contact = await r.contacts.get(contactId, true);
      if (!contact) return null;
      const [types, row] = await Promise.all([this.preferences.types(r), r.preferences.get(contactId)]);
      const state = stateOf(contact.subscribed, row);
      const shown = new Set(valuesOf(form, 'shown'));
      const checked = new Set(valuesOf(form, 'on'));
      const typeChanges: Record<string, boolean> = {};
      for (const type of types)
        if (!type.critical && type.enabled && shown.has(`type:${type.key}`))
          typeChanges[type.key] = checked.has(`type:${type.key}`);
      const channels = { ...state.channels };
      for (const kind of NOTIFICATION_CHANNEL_KINDS)
        if (shown.has(`channel:${kind}`)) channels[kind] = checked.has(`channel:${kind}`);
      const updated = await this.preferences.apply(r, contactActor('preference page'), contactId, {
        ...(shown.has('marketing') ? { subscribed: checked.has('marketing') } : {}),
        types: withTypesEnabled(state, types, typeChanges),
        channels,
      });
      return this.model(r, updated, acceptLanguage);
    });
  }

  /** RFC 8058 one-click unsubscribe (POST /p/:token/unsubscribe): marketing off. Null for a bad token. */
  unsubscribe(token: string, acceptLanguage: string | undefined): Promise<PreferencePageModel | null> {
    const contactId = verifyPreferenceToken(this.ctx.secretBox, token);
    if (!contactId) return Promise.resolve(null);
    return inTransaction(this.ctx, async (r) => {
      const contact = await r.contacts.get(contactId, true);
      if (!contact) return null;
      const updated = contact.subscribed
        ? await this.preferences.apply(r, contactActor('one-click unsubscribe'), contactId, {
            subscribed: false,
          })
        : contact;
      return this.model(r, updated, acceptLanguage);
    });
  }

  private async model(
    r: Repos,
    contact: Contact,
    acceptLanguage: string | undefined,
  ): Promise<PreferencePageModel> {
    const [types, row, identities, workspaceName, defaultLanguage] = await Promise.all([
      this.preferences.types(r),
      r.preferences.get(contact.id),
      r.contacts.identities(contact.id),
      r.settings.get('workspace_name'),
      r.settings.get('default_language'),
    ]);
    const lang = pageLanguage(contact.language, acceptLanguage, defaultLanguage);
    const state = stateOf(contact.subscribed, row);
    const has: Record<NotificationChannelKind, boolean> = {
      telegram: identities.some((i) => i.channelType === 'telegram'),
      email: contact.email !== null,
    };
    return {
      lang,
      workspaceName: typeof workspaceName === 'string' ? workspaceName : 'Switchboard',
      subscribed: state.subscribed,
      types: pageTypes(state, types, lang),
      channels: NOTIFICATION_CHANNEL_KINDS.filter((k) => has[k]).map((kind) => ({
        kind,
        on: state.channels[kind],
      })),
    };
  }
}

/** The types the page offers: the same as the Telegram menu. */
function pageTypes(state: PreferencesState, types: readonly PreferenceType[], lang: ReplyLanguage) {
  return offeredTypes(state, types).map((t) => ({
    key: t.key,
    name: typeName(t, lang),
    on: typeChosen(state, t),
  }));
}
