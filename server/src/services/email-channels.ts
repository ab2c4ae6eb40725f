import { checkImap, checkSmtp, type MailServerProblem } from '../channels/email/email.check.ts';
import {
  type CheckedEmailSettings,
  checkEmailSettings,
  mergeEmailSettings,
} from '../channels/email/email.input.ts';
import {
  type EmailChannelSecrets,
  type EmailChannelSettings,
  emailSecretsOf,
  emailSettingsOf,
  sealEmailSecrets,
} from '../channels/email/email.settings.ts';
import type { Channel, ChannelStatus } from '../db/schema.ts';
import { ConflictError, type FieldProblem, NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import { inTransaction, type ServiceContext } from './context.ts';

/** What `POST /channels {type: "email"}` accepts; passwords travel inside `settings.smtp` / `settings.imap`. */
export interface CreateEmailChannelInput {
  type: 'email';
  name: string;
  settings?: unknown;
}

/** What `PATCH /channels/:id` accepts for an email channel; `settings` merges (see mergeEmailSettings). */
export interface UpdateEmailChannelInput {
  name?: string;
  status?: ChannelStatus;
  settings?: unknown;
}

/** Options for tests: how long a save waits for a mail server. */
export interface MailServerCheckOptions {
  timeoutMs?: number;
}

/**
 * Mailboxes as channels: settings checked field by field, the SMTP login (and the IMAP login when mail is received over
 * IMAP) tried before anything is stored, passwords sealed together in `secret_sealed` and never shown again.
 * `external_id` is the address, so one mailbox is connected once. Sending picks changes up by itself (EmailSenders
 * rebuilds a channel's pool when its sealed settings change); receiving is the receiver's business (mode = inbound).
 */
export class EmailChannels {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly checks: MailServerCheckOptions = {},
  ) {}

  async create(actor: Actor, input: CreateEmailChannelInput): Promise<Channel> {
    const checked = valid(checkEmailSettings(input.settings));
    const secrets: EmailChannelSecrets = {
      smtpPassword: checked.passwords.smtp ?? '',
      imapPassword: checked.passwords.imap ?? null,
    };
    // Before the transaction: a slow mail server must not hold a connection or a lock.
    await this.tryServers(checked.settings, secrets, { smtp: true, imap: true });
    return inTransaction(this.ctx, async (r) => {
      const existing = await r.channels.findByExternalId('email', checked.settings.address);
      if (existing) throw addressTaken(checked.settings.address, existing);
      const created = await r.channels.create({
        type: 'email',
        name: input.name,
        settings: checked.settings as unknown as Record<string, unknown>,
        secretSealed: sealEmailSecrets(this.ctx.secretBox, secrets),
        externalId: checked.settings.address,
      });
      await r.audit.record(actor, {
        action: 'channel.created',
        entityType: 'channel',
        entityId: created.id,
        after: auditable(created),
      });
      return created;
    });
  }

  /** Renames, pauses/resumes, changes settings and rotates passwords; changed servers are tried again before saving. */
  async update(actor: Actor, current: Channel, input: UpdateEmailChannelInput): Promise<Channel> {
    const stored = emailSettingsOf(current);
    const storedSecrets = emailSecretsOf(this.ctx.secretBox, current);
    let settings = stored;
    let secrets = storedSecrets;
    if (input.settings !== undefined) {
      const checked = valid(
        checkEmailSettings(mergeEmailSettings(stored, input.settings), {
          smtpPassword: true,
          imapPassword: storedSecrets.imapPassword !== null,
        }),
      );
      settings = checked.settings;
      secrets = {
        smtpPassword: checked.passwords.smtp ?? storedSecrets.smtpPassword,
        imapPassword: checked.passwords.imap ?? (settings.imap ? storedSecrets.imapPassword : null),
      };
      await this.tryServers(settings, secrets, {
        smtp:
          JSON.stringify(settings.smtp) !== JSON.stringify(stored.smtp) ||
          secrets.smtpPassword !== storedSecrets.smtpPassword,
        imap:
          settings.inbound !== stored.inbound ||
          JSON.stringify(settings.imap) !== JSON.stringify(stored.imap) ||
          secrets.imapPassword !== storedSecrets.imapPassword,
      });
    }
    const rotated =
      secrets.smtpPassword !== storedSecrets.smtpPassword ||
      secrets.imapPassword !== storedSecrets.imapPassword;
    return inTransaction(this.ctx, async (r) => {
      const before = await r.channels.getForUpdate(current.id);
      if (!before) throw new NotFoundError('Channel', current.id);
      if (settings.address !== stored.address) {
        const other = await r.channels.findByExternalId('email', settings.address);
        if (other && other.id !== current.id) throw addressTaken(settings.address, other);
      }
      const after = await r.channels.update(current.id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.status !== undefined ? { status: input.status } : {}),
        ...(input.settings !== undefined
          ? {
              settings: settings as unknown as Record<string, unknown>,
              externalId: settings.address,
              secretSealed: rotated ? sealEmailSecrets(this.ctx.secretBox, secrets) : before.secretSealed,
            }
          : {}),
      });
      await r.audit.record(actor, {
        action: rotated ? 'channel.password_rotated' : 'channel.updated',
        entityType: 'channel',
        entityId: current.id,
        before: auditable(before),
        after: { ...auditable(after), passwordRotated: rotated },
      });
      return after;
    });
  }

  /** Settings as the API shows them: no passwords, only whether each is set. */
  presentSettings(channel: Channel): Record<string, unknown> {
    const s = emailSettingsOf(channel);
    const secrets = emailSecretsOf(this.ctx.secretBox, channel);
    return {
      ...s,
      smtp: { ...s.smtp, passwordSet: secrets.smtpPassword !== '' },
      imap: s.imap ? { ...s.imap, passwordSet: secrets.imapPassword !== null } : null,
    };
  }

  /** Logs in to the servers whose settings changed; a refusal is a 400 on the field to fix, with the server's words. */
  private async tryServers(
    settings: EmailChannelSettings,
    secrets: EmailChannelSecrets,
    which: { smtp: boolean; imap: boolean },
  ): Promise<void> {
    const timeoutMs = this.checks.timeoutMs;
    const [smtp, imap] = await Promise.all([
      which.smtp ? checkSmtp(settings.smtp, secrets.smtpPassword, { timeoutMs }) : null,
      which.imap && settings.inbound === 'imap' && settings.imap
        ? checkImap(settings.imap, secrets.imapPassword ?? '', { timeoutMs })
        : null,
    ]);
    const problems: FieldProblem[] = [];
    const add = (server: 'smtp' | 'imap', p: MailServerProblem | null) => {
      if (p) problems.push({ path: `/settings/${server}/${p.field}`, message: p.message });
    };
    add('smtp', smtp);
    add('imap', imap);
    if (problems.length > 0) throw new ValidationError(problems.map((p) => p.message).join('; '), problems);
  }
}

function valid(result: {
  value: CheckedEmailSettings | null;
  problems: FieldProblem[];
}): CheckedEmailSettings {
  if (result.value && result.problems.length === 0) return result.value;
  throw new ValidationError(
    `Invalid email channel settings: ${result.problems.map((p) => `${p.path.slice('/settings/'.length)} ${p.message}`).join('; ')}`,
    result.problems,
  );
}

function addressTaken(address: string, existing: Channel): ConflictError {
  return new ConflictError(`The mailbox ${address} is already connected as channel "${existing.name}"`, [
    { path: '/settings/address', message: `already channel ${existing.id}` },
  ]);
}

/** What the audit log keeps of an email channel: settings (which hold no password), never the sealed secrets. */
function auditable(c: Channel) {
  return { type: c.type, name: c.name, status: c.status, address: c.externalId, settings: c.settings };
}
