import type { DbOrTx } from '../db/database.ts';
import type { ContactPreferences, NotificationChannelKind, TypePreference } from '../db/schema.ts';

/** What a contact chose; `get` of a contact without a row returns null (everything on). */
export interface PreferencesWrite {
  preferredChannel?: NotificationChannelKind | null;
  channels?: Partial<Record<NotificationChannelKind, boolean>>;
  types?: Record<string, TypePreference>;
}

/** Contacts' notification preferences (contact_preferences); the marketing switch itself is contacts.subscribed. */
export class PreferencesRepository {
  constructor(private readonly db: DbOrTx) {}

  get(contactId: string): Promise<ContactPreferences | undefined> {
    return this.db
      .selectFrom('contactPreferences')
      .selectAll()
      .where('contactId', '=', contactId)
      .executeTakeFirst();
  }

  /** Replaces the given parts (absent parts keep their stored value), creating the row on first write. */
  put(contactId: string, change: PreferencesWrite): Promise<ContactPreferences> {
    const row = {
      contactId,
      preferredChannel: change.preferredChannel ?? null,
      channels: JSON.stringify(change.channels ?? {}),
      types: JSON.stringify(change.types ?? {}),
    };
    return this.db
      .insertInto('contactPreferences')
      .values(row)
      .onConflict((oc) =>
        oc.column('contactId').doUpdateSet((eb) => ({
          preferredChannel:
            change.preferredChannel === undefined
              ? eb.ref('contactPreferences.preferredChannel')
              : eb.ref('excluded.preferredChannel'),
          channels:
            change.channels === undefined
              ? eb.ref('contactPreferences.channels')
              : eb.ref('excluded.channels'),
          types: change.types === undefined ? eb.ref('contactPreferences.types') : eb.ref('excluded.types'),
          updatedAt: new Date(),
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
