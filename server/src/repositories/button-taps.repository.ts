import type { DbOrTx } from '../db/database.ts';
import type { ButtonTap } from '../db/schema.ts';

/** Taps on callback buttons, recorded once per platform tap id. */
export class ButtonTapsRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Records a tap; undefined when this tap was recorded before (the update was processed again). */
  insert(t: {
    channelId: string;
    contactId: string | null;
    conversationId: string | null;
    messageSourceId: string | null;
    externalId: string;
    data: string | null;
  }): Promise<ButtonTap | undefined> {
    return this.db
      .insertInto('buttonTaps')
      .values(t)
      .onConflict((oc) => oc.columns(['channelId', 'externalId']).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  listByConversation(conversationId: string): Promise<ButtonTap[]> {
    return this.db
      .selectFrom('buttonTaps')
      .selectAll()
      .where('conversationId', '=', conversationId)
      .orderBy('receivedAt')
      .execute();
  }

  /** Points taps at another conversation (two conversations of a group merged). */
  async moveToConversation(fromId: string, toId: string): Promise<void> {
    await this.db
      .updateTable('buttonTaps')
      .set({ conversationId: toId })
      .where('conversationId', '=', fromId)
      .execute();
  }
}
