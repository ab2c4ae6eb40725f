import type { IncomingEvent, InlineButton } from '../channels/channel.ts';
import { ChannelRejectedError } from '../channels/errors.ts';
import { type ChannelFileSource, RemoteFileTooBigError } from '../channels/file-source.ts';
import { escapeHtml } from '../channels/telegram/telegram.html.ts';
import type { Channel } from '../db/schema.ts';
import type { StaffBotUpdate } from '../jobs/job-map.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { Repos } from '../repositories/index.ts';
import type { StaffMember } from '../repositories/staff.repository.ts';
import type { ServiceContext } from './context.ts';
import { looksLikeCode, normalizeCode } from './coupons.codes.ts';
import { CouponError } from './coupons.errors.ts';
import type { CouponsService } from './coupons.service.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import { can } from './permissions.ts';
import { decodeQr } from './qr.ts';
import { staffBotUpdate } from './staff-bot.event.ts';
import type { StaffBotLinks } from './staff-bot.links.ts';
import { couponCard, type Say, sayer } from './staff-bot.reply.ts';
import { STAFF_TEXTS, type StaffLang, staffLang } from './staff-bot.texts.ts';

/** Button data of the coupon card: validate again, redeem. The code follows the prefix (well under Telegram's 64 bytes). */
const VALIDATE = 'sb:v:';
const REDEEM = 'sb:r:';
/** A photo larger than this is not a QR snapshot worth decoding. */
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const COMMAND = /^\/([a-z_]+)(?:@\w+)?(?:\s+(.*))?$/i;

/**
 * The staff bot: a Telegram bot channel marked `staffBot` that talks to the team. `route` (the receive path's one
 * branch) queues each update as a `staff_bot.update` job; `handle` runs it outside the receive transaction because it
 * downloads photos and answers through Telegram. Unknown Telegram users get a polite refusal and nothing else; linked
 * staff act as their user, with their role's permissions: `coupons:read` to check a code, `coupons:write` to redeem.
 */
export class StaffBotService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly coupons: CouponsService,
    private readonly links: StaffBotLinks,
    private readonly adapters: TelegramAdapters,
    private readonly files: ChannelFileSource,
  ) {}

  /** The receive path's branch (ReceiveService.onStaffBot): staff-bot updates become jobs, nothing else is recorded. */
  readonly route = async (r: Repos, channelId: string, event: IncomingEvent): Promise<boolean> => {
    if (!(await r.staff.isStaffBot(channelId))) return false;
    const update = staffBotUpdate(event);
    if (update)
      await r.jobs.add(
        'staff_bot.update',
        { channelId, update },
        { queueName: `staff-bot:${channelId}:${update.chatId}`, maxAttempts: 5 },
      );
    return true;
  };

  /** The `staff_bot.update` job. */
  async handle(channelId: string, u: StaffBotUpdate): Promise<void> {
    const channel = await this.ctx.repos.channels.get(channelId);
    if (channel?.status !== 'active' || !channel.staffBot) return;
    const say = sayer(this.adapters.forChannel(channel, 'interactive'), u.chatId);
    const command = u.kind === 'message' ? COMMAND.exec(u.text?.trim() ?? '') : null;
    if (command?.[1]?.toLowerCase() === 'link') return this.link(channel, u, command[2] ?? '', say);

    const member = await this.ctx.repos.staff.memberByTelegram(u.from.id);
    if (!member?.user.active) {
      await say.send(escapeHtml(STAFF_TEXTS[staffLang(u.from.languageCode)].refusal));
      return;
    }
    const lang = member.user.locale;
    if (u.kind === 'callback') return this.tap(member, u, lang, say);
    const name = command?.[1]?.toLowerCase();
    if (name === 'login') return this.login(member, lang, say);
    if (u.photoFileId) return this.photo(channel, member, u.photoFileId, lang, say);
    if (u.text && !command && looksLikeCode(u.text)) return this.showCoupon(member, u.text, lang, say);
    await say.send(escapeHtml(STAFF_TEXTS[lang].help(can(member.user.role, 'coupons:write'), true)));
  }

  private async link(channel: Channel, u: StaffBotUpdate, code: string, say: Say): Promise<void> {
    const lang = staffLang(u.from.languageCode);
    const member = await this.links.consume(code.trim(), {
      telegramUserId: u.from.id,
      channelId: channel.id,
      telegramUsername: u.from.username ?? null,
      language: u.from.languageCode ?? null,
    });
    if (!member) {
      // A retried job finds its code used: the account it linked is the answer.
      const already = await this.ctx.repos.staff.memberByTelegram(u.from.id);
      await say.send(
        already
          ? STAFF_TEXTS[lang].linked(escapeHtml(already.user.displayName))
          : escapeHtml(STAFF_TEXTS[lang].linkInvalid),
      );
      return;
    }
    const t = STAFF_TEXTS[member.user.locale];
    await say.send(
      `${t.linked(escapeHtml(member.user.displayName))}\n\n${escapeHtml(t.help(can(member.user.role, 'coupons:write'), true))}`,
    );
  }

  private async login(member: StaffMember, lang: StaffLang, say: Say): Promise<void> {
    const { url } = await this.links.loginLink(member);
    const t = STAFF_TEXTS[lang];
    // Telegram refuses URL buttons to plain-http and local addresses: the link is also in the text.
    const button = url.startsWith('https://') ? { kind: 'url' as const, text: t.open, url } : null;
    await say.send(
      `${escapeHtml(t.loginLink)}\n<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`,
      button ? [[button]] : undefined,
    );
  }

  private async photo(channel: Channel, member: StaffMember, fileId: string, lang: StaffLang, say: Say) {
    const bytes = await this.download(channel, fileId);
    const text = bytes ? decodeQr(bytes) : null;
    if (!text || !normalizeCode(text)) {
      await say.send(escapeHtml(STAFF_TEXTS[lang].noQr));
      return;
    }
    await this.showCoupon(member, text, lang, say);
  }

  /** Validity and discount with [Validate] and, for roles that may, [Redeem]; `edit` replaces the tapped card. */
  private async showCoupon(member: StaffMember, text: string, lang: StaffLang, say: Say, edit?: string) {
    const t = STAFF_TEXTS[lang];
    if (!can(member.user.role, 'coupons:read')) {
      await say.send(escapeHtml(t.noAccess));
      return;
    }
    try {
      const v = await this.coupons.validate(text);
      const timeZone = await this.timeZone();
      const card = couponCard(v, lang, timeZone);
      const rows: InlineButton[][] = [
        [{ kind: 'callback', text: t.validate, data: `${VALIDATE}${v.coupon.code}` }],
      ];
      if (v.valid && can(member.user.role, 'coupons:write'))
        rows[0]!.push({ kind: 'callback', text: t.redeem, data: `${REDEEM}${v.coupon.code}` });
      await (edit ? say.edit(edit, card, rows) : say.send(card, rows));
    } catch (err) {
      if (!(err instanceof CouponError)) throw err;
      await say.send(t.notFound(escapeHtml(normalizeCode(text) ?? text.trim())));
    }
  }

  private async tap(member: StaffMember, u: StaffBotUpdate, lang: StaffLang, say: Say): Promise<void> {
    const data = u.data ?? '';
    const code = data.slice(5);
    if (data.startsWith(VALIDATE)) return this.showCoupon(member, code, lang, say, u.messageId);
    if (!data.startsWith(REDEEM)) return;
    const t = STAFF_TEXTS[lang];
    if (!can(member.user.role, 'coupons:write')) {
      await say.send(escapeHtml(t.noAccess));
      return;
    }
    const actor: Actor = { type: 'user', id: member.userId, name: member.user.displayName };
    let outcome: string;
    try {
      // The tap's id makes a retried job find its own redemption instead of taking a second use.
      const { redemption } = await this.coupons.redeem(
        actor,
        { code },
        { via: 'staff_bot', externalRef: `tg:${u.callbackQueryId}` },
      );
      const at = new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', {
        dateStyle: 'short',
        timeStyle: 'short',
        timeZone: await this.timeZone(),
      }).format(redemption.redeemedAt);
      outcome = escapeHtml(t.redeemed(member.user.displayName, at));
    } catch (err) {
      if (!(err instanceof CouponError)) throw err;
      outcome = `${escapeHtml(t.refused)}: ${escapeHtml(err.message)}`;
    }
    const v = await this.coupons.validate(code).catch(() => null);
    const card = v ? couponCard(v, lang, await this.timeZone()) : '';
    const html = `${card}\n\n<b>${outcome}</b>`;
    await (u.messageId ? say.edit(u.messageId, html, []) : say.send(html));
  }

  /** The photo's bytes, or null when it is too big or Telegram refuses it (a retryable failure is thrown). */
  private async download(channel: Channel, fileId: string): Promise<Buffer | null> {
    try {
      const file = await this.files.open(channel, fileId, {
        maxBytes: MAX_PHOTO_BYTES,
        platformEnforced: true,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of file.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_PHOTO_BYTES) {
          file.body.destroy();
          return null;
        }
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    } catch (err) {
      if (err instanceof ChannelRejectedError || err instanceof RemoteFileTooBigError) return null;
      throw err;
    }
  }

  private async timeZone(): Promise<string> {
    return ((await this.ctx.repos.settings.get('default_timezone')) as string | undefined) ?? 'Europe/Moscow';
  }
}
