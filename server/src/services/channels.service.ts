import { randomBytes } from 'node:crypto';
import type { UserFromGetMe } from 'grammy/types';
import { ChannelRejectedError, ChannelUnavailableError } from '../channels/errors.ts';
import { callTelegram, telegramApi, tokenHint } from '../channels/telegram/telegram.client.ts';
import { checkTelegramSettings } from '../channels/telegram/telegram.settings.ts';
import type { Channel, ChannelMode, ChannelStatus } from '../db/schema.ts';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { ChannelWrite } from '../repositories/channels.repository.ts';
import type { Repos } from '../repositories/index.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import {
  type CreateEmailChannelInput,
  EmailChannels,
  type MailServerCheckOptions,
  type UpdateEmailChannelInput,
} from './email-channels.ts';

/** A channel as the API shows it: the row plus a hint of its token (never the token). */
export type ChannelView = Channel & { tokenHint: string | null };

/** What `POST /channels` accepts. */
export interface CreateChannelInput {
  type: 'telegram';
  name: string;
  /** Required; optional in the type because the route accepts one body for every channel type. */
  token?: string;
  mode?: ChannelMode;
  apiRoot?: string | null;
  settings?: Record<string, unknown>;
  /** A staff bot (services/staff-bot.ts): serves the team, its updates never reach the inbox. */
  staffBot?: boolean;
}

/** What `PATCH /channels/:id` accepts; `apiRoot: null` returns to TELEGRAM_API_ROOT. */
export interface UpdateChannelInput {
  name?: string;
  token?: string;
  mode?: ChannelMode;
  apiRoot?: string | null;
  status?: ChannelStatus;
  settings?: Record<string, unknown>;
  /** A staff bot (services/staff-bot.ts): serves the team, its updates never reach the inbox. */
  staffBot?: boolean;
}

const TELEGRAM_CLOUD = 'https://api.telegram.org';

/**
 * Telegram bots as channels: tokens checked with getMe, sealed at rest, rotated within the same bot.
 * Receiving is not started here: a channel's `mode` and `status` are the state the receiver reconciles to: a
 * `telegram.webhook_sync` job queued with each change sets or deletes the webhook, and worker pollers pick up polling channels.
 */
export class ChannelsService {
  /** Mailboxes: their own settings, checks and secrets (services/email-channels.ts). */
  private readonly email: EmailChannels;

  constructor(
    private readonly ctx: ServiceContext,
    /** The Bot API factory; tests may swap it, production uses grammY's Api. */
    private readonly api: typeof telegramApi = telegramApi,
    mailServerChecks: MailServerCheckOptions = {},
  ) {
    this.email = new EmailChannels(ctx, mailServerChecks);
  }

  async create(actor: Actor, input: CreateChannelInput | CreateEmailChannelInput): Promise<ChannelView> {
    if (input.type === 'email') {
      refuseTelegramOnly(input as UpdateChannelInput);
      return this.view(await this.email.create(actor, input));
    }
    return this.createBot(actor, input);
  }

  private async createBot(actor: Actor, input: CreateChannelInput): Promise<ChannelView> {
    if (input.token === undefined)
      throw new ValidationError('A Telegram channel needs the bot token', [
        { path: '/token', message: 'is required for a Telegram channel (from @BotFather)' },
      ]);
    const token = input.token;
    const apiRoot = input.apiRoot ?? null;
    const mode = input.mode ?? this.defaultMode();
    this.checkMode(mode, apiRoot);
    if (input.settings !== undefined) checkSettings(input.settings);
    const bot = await this.getMe(token, apiRoot);
    const row = await inTransaction(this.ctx, async (r) => {
      const existing = await r.channels.findByExternalId('telegram', String(bot.id));
      if (existing)
        throw new ConflictError(`Bot @${bot.username} is already connected as channel "${existing.name}"`, [
          { path: '/token', message: `belongs to @${bot.username}, already channel ${existing.id}` },
        ]);
      const created = await r.channels.create({
        type: 'telegram',
        name: input.name,
        mode,
        apiRoot,
        settings: input.settings ?? {},
        secretSealed: this.ctx.secretBox.seal(token),
        webhookSecretSealed: this.ctx.secretBox.seal(randomBytes(32).toString('base64url')),
        externalId: String(bot.id),
        username: bot.username,
        staffBot: input.staffBot ?? false,
      });
      await r.audit.record(actor, {
        action: 'channel.created',
        entityType: 'channel',
        entityId: created.id,
        after: auditable(created),
      });
      if (created.mode === 'webhook') await queueWebhookSync(r, created.id);
      return created;
    });
    return this.view(row);
  }

  async list(opts: { limit: number; after?: string }): Promise<{ rows: ChannelView[]; total: number }> {
    const [rows, total] = await Promise.all([
      this.ctx.repos.channels.list(opts),
      this.ctx.repos.channels.count(),
    ]);
    return { rows: rows.map((c) => this.view(c)), total };
  }

  async get(id: string): Promise<ChannelView> {
    const row = await this.ctx.repos.channels.get(id);
    if (!row) throw new NotFoundError('Channel', id);
    return this.view(row);
  }

  /** Renames, pauses/resumes, switches mode or API root, and rotates the token (same bot only, same row). */
  async update(actor: Actor, id: string, input: UpdateChannelInput): Promise<ChannelView> {
    const current = await this.ctx.repos.channels.get(id);
    if (!current) throw new NotFoundError('Channel', id);
    if (current.type === 'email')
      return this.view(await this.email.update(actor, current, emailUpdate(input)));
    const apiRoot = input.apiRoot !== undefined ? input.apiRoot : current.apiRoot;
    if (input.mode !== undefined || input.apiRoot !== undefined)
      this.checkMode(input.mode ?? current.mode ?? this.defaultMode(), apiRoot);
    // Checked before getMe: a bad setting should not cost a Telegram round trip.
    if (input.settings !== undefined) checkSettings(input.settings);
    const patch: ChannelWrite = {};
    if (input.token !== undefined || input.apiRoot !== undefined) {
      // Checked outside the transaction: a slow Telegram must not hold a row lock.
      if (input.token === undefined && !current.secretSealed)
        throw new ValidationError('This channel has no token yet', [
          { path: '/token', message: 'give the bot token along with apiRoot' },
        ]);
      const token = input.token ?? this.tokenOf(current);
      const bot = await this.getMe(token, apiRoot);
      // A channel without a bot yet (made before tokens were required) adopts the first one it is given.
      if (current.externalId === null) patch.externalId = String(bot.id);
      else if (String(bot.id) !== current.externalId)
        throw new ValidationError(`The token belongs to another bot @${bot.username}`, [
          {
            path: '/token',
            message: `token belongs to another bot @${bot.username}; this channel is @${current.username}`,
          },
        ]);
      if (input.token !== undefined) patch.secretSealed = this.ctx.secretBox.seal(input.token);
      patch.username = bot.username;
    }
    if (input.name !== undefined) patch.name = input.name;
    if (input.mode !== undefined) patch.mode = input.mode;
    if (input.apiRoot !== undefined) patch.apiRoot = input.apiRoot;
    if (input.status !== undefined) patch.status = input.status;
    if (input.settings !== undefined) patch.settings = input.settings;
    if (input.staffBot !== undefined) patch.staffBot = input.staffBot;

    const row = await inTransaction(this.ctx, async (r) => {
      const before = await r.channels.getForUpdate(id);
      if (!before) throw new NotFoundError('Channel', id);
      const after = await r.channels.update(id, patch);
      await r.audit.record(actor, {
        action: input.token !== undefined ? 'channel.token_rotated' : 'channel.updated',
        entityType: 'channel',
        entityId: id,
        before: auditable(before),
        after: { ...auditable(after), tokenRotated: input.token !== undefined },
      });
      // Mode, status, token or API root changed: Telegram's webhook must follow (set, moved or deleted).
      if (
        before.mode !== after.mode ||
        before.status !== after.status ||
        before.apiRoot !== after.apiRoot ||
        input.token !== undefined
      )
        await queueWebhookSync(r, id);
      return after;
    });
    return this.view(row);
  }

  /** Removes the channel. Contact identities through it are deleted with it (cascade); contacts stay. */
  async delete(actor: Actor, id: string): Promise<void> {
    await this.dropWebhook(id);
    await inTransaction(this.ctx, async (r) => {
      const existing = await r.channels.getForUpdate(id);
      if (!existing) throw new NotFoundError('Channel', id);
      await r.channels.delete(id);
      await r.audit.record(actor, {
        action: 'channel.deleted',
        entityType: 'channel',
        entityId: id,
        before: auditable(existing),
      });
    });
  }

  /**
   * Best effort, before the token is gone with the row: a webhook left behind would keep Telegram posting to a 404.
   * A failure (Telegram down, token revoked) does not block the delete.
   */
  private async dropWebhook(id: string): Promise<void> {
    const channel = await this.ctx.repos.channels.get(id);
    if (channel?.mode !== 'webhook' || !channel.secretSealed) return;
    try {
      const api = this.api(this.tokenOf(channel), this.apiRootOf(channel), { timeoutSeconds: 10 });
      await callTelegram(() => api.deleteWebhook({ drop_pending_updates: false }));
    } catch (err) {
      this.ctx.log.warn({ err, channelId: id }, 'deleteWebhook failed while deleting the channel');
    }
  }

  /** The plaintext token, for the receive and send paths only; never for API answers. */
  tokenOf(channel: Pick<Channel, 'secretSealed'> & Partial<Pick<Channel, 'type' | 'id'>>): string {
    // An email channel's sealed secret is its passwords: used as a token they would travel in a Bot API URL.
    if (channel.type !== undefined && channel.type !== 'telegram')
      throw new Error(`channel ${channel.id} is a ${channel.type} channel: it has no Telegram token`);
    if (!channel.secretSealed) throw new Error('channel has no token');
    return this.ctx.secretBox.open(channel.secretSealed);
  }

  /** The Bot API root a channel talks to. */
  apiRootOf(channel: Pick<Channel, 'apiRoot'>): string {
    return channel.apiRoot ?? this.ctx.config.telegramApiRoot;
  }

  /** Webhooks need Telegram to reach us over https; without an https PUBLIC_URL we poll. */
  private defaultMode(): ChannelMode {
    return this.ctx.config.publicUrl.startsWith('https://') ? 'webhook' : 'polling';
  }

  /** Telegram's cloud delivers webhooks only to https URLs; a local Bot API server also accepts http. */
  private checkMode(mode: ChannelMode, apiRoot: string | null): void {
    const root = this.apiRootOf({ apiRoot });
    if (mode === 'webhook' && root === TELEGRAM_CLOUD && !this.ctx.config.publicUrl.startsWith('https://'))
      throw new ValidationError('Webhook mode needs an https PUBLIC_URL', [
        {
          path: '/mode',
          message: `Telegram delivers webhooks only to https URLs and PUBLIC_URL is ${this.ctx.config.publicUrl}; use polling or set PUBLIC_URL`,
        },
      ]);
  }

  /** Checks a token with getMe: refused → 400 on /token with Telegram's words; unreachable → 503. */
  private async getMe(token: string, apiRoot: string | null): Promise<UserFromGetMe> {
    const root = this.apiRootOf({ apiRoot });
    try {
      return await callTelegram(() => this.api(token, root, { timeoutSeconds: 15 }).getMe());
    } catch (err) {
      if (err instanceof ChannelRejectedError)
        throw new ValidationError(`Telegram refused the token: ${err.description}`, [
          { path: '/token', message: `Telegram refused it (${err.errorCode}: ${err.description})` },
        ]);
      if (err instanceof ChannelUnavailableError)
        throw new ChannelUnavailableError(
          `Telegram Bot API at ${root} is unavailable, so the token could not be checked; try again later. ${err.message}`,
          err.retryAfterSeconds,
          err.errorCode,
        );
      throw err;
    }
  }

  private view(row: Channel): ChannelView {
    // An email channel's sealed secret is its passwords: no hint of it, only whether each is set.
    if (row.type === 'email') return { ...row, settings: this.email.presentSettings(row), tokenHint: null };
    return { ...row, tokenHint: row.secretSealed ? tokenHint(this.tokenOf(row)) : null };
  }
}

/** Email channels have no token, mode nor API root: naming one is a mistake worth a 400, not silence. */
function emailUpdate(input: UpdateChannelInput): UpdateEmailChannelInput {
  refuseTelegramOnly(input);
  return { name: input.name, status: input.status, settings: input.settings };
}

function refuseTelegramOnly(
  input: Pick<UpdateChannelInput, 'token' | 'mode' | 'apiRoot' | 'staffBot'>,
): void {
  const telegramOnly = (['token', 'mode', 'apiRoot', 'staffBot'] as const).filter(
    (k) => input[k] !== undefined,
  );
  if (telegramOnly.length > 0)
    throw new ValidationError('Email channels have no token, mode or apiRoot', [
      ...telegramOnly.map((k) => ({ path: `/${k}`, message: 'applies to Telegram channels only' })),
    ]);
}

/** Known keys with valid values only (see telegram.settings.ts); `settings` is replaced whole, so it is checked whole. */
function checkSettings(settings: Record<string, unknown>): void {
  const problems = checkTelegramSettings(settings);
  if (problems.length > 0)
    throw new ValidationError(
      `Invalid channel settings: ${problems.map((p) => `${p.path.slice('/settings/'.length)} ${p.message}`).join('; ')}`,
      problems,
    );
}

/** One pending sync per channel: a burst of changes ends in one call with the final state. */
function queueWebhookSync(r: Repos, channelId: string): Promise<void> {
  return r.jobs.add('telegram.webhook_sync', { channelId }, { jobKey: `telegram.webhook_sync:${channelId}` });
}

/** What the audit log keeps of a channel: no token, no webhook secret, no hint. */
function auditable(c: Channel) {
  return {
    type: c.type,
    name: c.name,
    status: c.status,
    mode: c.mode,
    apiRoot: c.apiRoot,
    botId: c.externalId,
    username: c.username,
    settings: c.settings,
  };
}
