import { randomInt } from 'node:crypto';
import type { StaffAlertKind, StaffLink } from '../db/schema.coupons.ts';
import { NotFoundError } from '../lib/errors.ts';
import { hashToken, newToken } from '../lib/tokens.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { StaffMember } from '../repositories/staff.repository.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { CODE_ALPHABET } from './coupons.codes.ts';

/** A link code lives this long. */
export const LINK_CODE_MINUTES = 10;
/** The staff bot's sign-in links live as long as the admin-made ones (auth.service). */
const LOGIN_LINK_MINUTES = 15;

/** A user's link as the profile page shows it. */
export interface StaffLinkView {
  linked: boolean;
  telegramUsername: string | null;
  linkedAt: Date | null;
  mutedKinds: StaffAlertKind[];
  /** Staff bots to send `/link CODE` to. */
  bots: Array<{ channelId: string; username: string | null }>;
}

/**
 * Linking Telegram accounts to users: the web app asks for a one-time code (10 minutes, only its hash stored), the
 * person sends `/link CODE` to a staff bot. Also the staff bot's `/login` links, made with the same login-token
 * mechanism as admin-made links (auth.service `createLoginLink`, exchanged by POST /api/v1/auth/login-token), once only.
 */
export class StaffBotLinks {
  constructor(private readonly ctx: ServiceContext) {}

  /** A new one-time code for the user (replacing any earlier one), and the bots to send it to. */
  async createCode(
    actor: Actor,
    userId: string,
  ): Promise<{ code: string; expiresAt: Date; bots: StaffLinkView['bots'] }> {
    // Short enough to type on a phone: 8 characters of the unambiguous coupon alphabet (~40 bits), 10 minutes, once.
    const code = Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    const expiresAt = new Date(this.ctx.clock.now().getTime() + LINK_CODE_MINUTES * 60_000);
    await inTransaction(this.ctx, async (r) => {
      await r.staff.createLinkCode(userId, hashToken(code), expiresAt);
      await r.audit.record(actor, {
        action: 'staff_link.code_created',
        entityType: 'user',
        entityId: userId,
      });
    });
    return { code, expiresAt, bots: await this.bots() };
  }

  /** Uses a code and links the Telegram account to its user; undefined when the code is wrong, used or expired. */
  async consume(
    code: string,
    account: {
      telegramUserId: string;
      channelId: string;
      telegramUsername: string | null;
      language: string | null;
    },
  ): Promise<StaffMember | undefined> {
    const normalized = code.toUpperCase().replace(/[\s-]/g, '');
    if (!/^[A-Z0-9]{8}$/.test(normalized)) return undefined;
    return inTransaction(this.ctx, async (r) => {
      const userId = await r.staff.consumeLinkCode(hashToken(normalized), this.ctx.clock.now());
      if (!userId) return undefined;
      const user = await r.users.get(userId);
      if (!user?.active) return undefined;
      await r.staff.link({ userId, ...account });
      await r.audit.record(
        { type: 'user', id: userId, name: user.displayName },
        {
          action: 'staff_link.linked',
          entityType: 'user',
          entityId: userId,
          after: { telegramUserId: account.telegramUserId },
        },
      );
      return r.staff.memberByTelegram(account.telegramUserId);
    });
  }

  async view(userId: string): Promise<StaffLinkView> {
    const link = await this.ctx.repos.staff.getLink(userId);
    return present(link, await this.bots());
  }

  async unlink(actor: Actor, userId: string): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      if (!(await r.staff.unlink(userId))) throw new NotFoundError('Staff Telegram link');
      await r.audit.record(actor, { action: 'staff_link.unlinked', entityType: 'user', entityId: userId });
    });
  }

  async setMuted(userId: string, kinds: StaffAlertKind[]): Promise<StaffLinkView> {
    const link = await this.ctx.repos.staff.setMuted(userId, [...new Set(kinds)]);
    if (!link) throw new NotFoundError('Staff Telegram link');
    return present(link, await this.bots());
  }

  /** A single-use sign-in link for a linked staff member (`/login`). */
  async loginLink(member: StaffMember): Promise<{ url: string; expiresAt: Date }> {
    const token = newToken('sbl');
    const expiresAt = new Date(this.ctx.clock.now().getTime() + LOGIN_LINK_MINUTES * 60_000);
    await inTransaction(this.ctx, async (r) => {
      await r.credentials.createLoginToken({
        purpose: 'login',
        userId: member.userId,
        tokenHash: hashToken(token),
        expiresAt,
        createdBy: member.userId,
      });
      await r.audit.record(
        { type: 'user', id: member.userId, name: member.user.displayName },
        {
          action: 'login_link.created',
          entityType: 'user',
          entityId: member.userId,
          after: { via: 'staff_bot' },
        },
      );
    });
    return { url: `${this.ctx.config.publicUrl}/login?token=${encodeURIComponent(token)}`, expiresAt };
  }

  private async bots(): Promise<StaffLinkView['bots']> {
    const channels = await this.ctx.repos.staff.staffBotChannels();
    return channels.map((c) => ({ channelId: c.id, username: c.username }));
  }
}

function present(link: StaffLink | undefined, bots: StaffLinkView['bots']): StaffLinkView {
  return {
    linked: link !== undefined,
    telegramUsername: link?.telegramUsername ?? null,
    linkedAt: link?.linkedAt ?? null,
    mutedKinds: link?.mutedKinds ?? [],
    bots,
  };
}
