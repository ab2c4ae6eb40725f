import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { StaffAlertKind, StaffLink } from '../db/schema.coupons.ts';
import type { Role, User } from '../db/schema.ts';

/** A linked staff member with what the bot needs of their user. */
export type StaffMember = StaffLink & {
  user: Pick<User, 'id' | 'displayName' | 'role' | 'active' | 'locale'>;
};

/** Staff Telegram links, their one-time link codes, and the once-per-occurrence record of alerts. */
export class StaffRepository {
  constructor(private readonly db: DbOrTx) {}

  async createLinkCode(userId: string, codeHash: Buffer, expiresAt: Date): Promise<void> {
    // One live code per user: asking again replaces the earlier one.
    await this.db.deleteFrom('staffLinkCodes').where('userId', '=', userId).execute();
    await this.db.insertInto('staffLinkCodes').values({ userId, codeHash, expiresAt }).execute();
  }

  /** Marks a code used and returns its user, in one statement: two concurrent `/link` of one code cannot both win. */
  async consumeLinkCode(codeHash: Buffer, now: Date): Promise<string | undefined> {
    const row = await this.db
      .updateTable('staffLinkCodes')
      .set({ usedAt: now })
      .where('codeHash', '=', codeHash)
      .where('usedAt', 'is', null)
      .where('expiresAt', '>', now)
      .returning('userId')
      .executeTakeFirst();
    return row?.userId;
  }

  /** Links (or re-links) a Telegram account to a user; the account leaves any other user it was linked to. */
  async link(values: {
    userId: string;
    telegramUserId: string;
    channelId: string;
    telegramUsername: string | null;
    language: string | null;
  }): Promise<StaffLink> {
    await this.db
      .deleteFrom('staffTelegramLinks')
      .where('telegramUserId', '=', values.telegramUserId)
      .where('userId', '!=', values.userId)
      .execute();
    return this.db
      .insertInto('staffTelegramLinks')
      .values(values)
      .onConflict((oc) =>
        oc.column('userId').doUpdateSet((eb) => ({
          telegramUserId: eb.ref('excluded.telegramUserId'),
          channelId: eb.ref('excluded.channelId'),
          telegramUsername: eb.ref('excluded.telegramUsername'),
          language: eb.ref('excluded.language'),
          linkedAt: sql`now()`,
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  getLink(userId: string): Promise<StaffLink | undefined> {
    return this.db
      .selectFrom('staffTelegramLinks')
      .selectAll()
      .where('userId', '=', userId)
      .executeTakeFirst();
  }

  async unlink(userId: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('staffTelegramLinks')
      .where('userId', '=', userId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  setMuted(userId: string, mutedKinds: StaffAlertKind[]): Promise<StaffLink | undefined> {
    return this.db
      .updateTable('staffTelegramLinks')
      .set({ mutedKinds })
      .where('userId', '=', userId)
      .returningAll()
      .executeTakeFirst();
  }

  /** The staff member behind a Telegram account, with their user. */
  async memberByTelegram(telegramUserId: string): Promise<StaffMember | undefined> {
    const row = await this.db
      .selectFrom('staffTelegramLinks as l')
      .innerJoin('users as u', 'u.id', 'l.userId')
      .selectAll('l')
      .select(['u.displayName', 'u.role', 'u.active', 'u.locale'])
      .where('l.telegramUserId', '=', telegramUserId)
      .executeTakeFirst();
    if (!row) return undefined;
    const { displayName, role, active, locale, ...link } = row;
    return { ...link, user: { id: link.userId, displayName, role, active, locale } };
  }

  /** Active users with these roles, linked, who have not muted `kind`: the recipients of an alert. */
  async alertRecipients(roles: Role[], kind: StaffAlertKind): Promise<StaffMember[]> {
    if (roles.length === 0) return [];
    const rows = await this.db
      .selectFrom('staffTelegramLinks as l')
      .innerJoin('users as u', 'u.id', 'l.userId')
      .selectAll('l')
      .select(['u.displayName', 'u.role', 'u.active', 'u.locale'])
      .where('u.active', '=', true)
      .where('u.role', 'in', roles)
      .where(sql<boolean>`not (${kind} = any(l.muted_kinds))`)
      .execute();
    return rows.map(({ displayName, role, active, locale, ...link }) => ({
      ...link,
      user: { id: link.userId, displayName, role, active, locale },
    }));
  }

  /** Records that an alert went out for `key`; false when it already had (another worker, an earlier sweep). */
  async markAlertSent(key: string): Promise<boolean> {
    const res = await this.db
      .insertInto('staffAlertsSent')
      .values({ key })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /**
   * Conversations whose customer has waited longer than `minutes` (waiting_since) and are not resolved; the caller
   * dedupes per waiting period with markAlertSent. Capped: a flood of waiting conversations becomes one summary.
   */
  async waitingLongerThan(minutes: number, now: Date, limit: number) {
    return this.db
      .selectFrom('conversations as c')
      .leftJoin('contacts as k', 'k.id', 'c.contactId')
      .select(['c.id', 'c.waitingSince', 'c.title', 'k.name as contactName'])
      .where('c.status', '!=', 'resolved')
      .where('c.waitingSince', '<=', new Date(now.getTime() - minutes * 60_000))
      .orderBy('c.waitingSince')
      .limit(limit)
      .execute();
  }

  /** Broadcasts paused with a reason (auto-paused by the delivery manager, or unable to send) since `since`. */
  pausedBroadcastsSince(since: Date) {
    return this.db
      .selectFrom('broadcasts')
      .select(['id', 'title', 'statusReason', 'updatedAt'])
      .where('status', '=', 'paused')
      .where('statusReason', 'is not', null)
      .where('updatedAt', '>=', since)
      .orderBy('updatedAt')
      .limit(50)
      .execute();
  }

  /** Channels that recorded an error (receive, polling, IMAP) since `since`. */
  channelErrorsSince(since: Date) {
    return this.db
      .selectFrom('channels')
      .select(['id', 'name', 'lastError', 'lastErrorAt'])
      .where('lastErrorAt', '>=', since)
      .where('lastError', 'is not', null)
      .orderBy('lastErrorAt')
      .execute();
  }

  /** Active staff-bot channels, oldest first (where alerts go when a person's own bot is gone). */
  staffBotChannels() {
    return this.db
      .selectFrom('channels')
      .selectAll()
      .where('staffBot', '=', true)
      .where('status', '=', 'active')
      .where('type', '=', 'telegram')
      .orderBy('createdAt')
      .execute();
  }

  /** True when the channel is a staff bot. */
  async isStaffBot(channelId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('channels')
      .select('staffBot')
      .where('id', '=', channelId)
      .executeTakeFirst();
    return row?.staffBot === true;
  }
}
