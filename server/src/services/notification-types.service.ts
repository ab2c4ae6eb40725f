import {
  NOTIFICATION_CHANNEL_KINDS,
  type NotificationCategory,
  type NotificationChannelKind,
  type NotificationType,
} from '../db/schema.ts';
import { ConflictError, type FieldProblem, NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { Repos } from '../repositories/index.ts';
import type { NotificationTypeWrite } from '../repositories/notification-types.repository.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { notificationTypeCache } from './notification-type-cache.ts';

/** What clients send to create a type or change one (PATCH: any subset; `key` only at creation). */
export interface NotificationTypeInput {
  key?: string;
  name?: string;
  description?: string | null;
  category?: NotificationCategory;
  critical?: boolean;
  channels?: NotificationChannelKind[];
  /** Template id or key per channel kind; null removes it. */
  templates?: Partial<Record<NotificationChannelKind, string | null>>;
  emailChannelId?: string | null;
  throttle?: { limit: number; periodSeconds: number } | null;
  digestWindowSeconds?: number | null;
  enabled?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
/** The template format each channel kind sends. */
const FORMAT: Record<NotificationChannelKind, string> = { telegram: 'telegram_html', email: 'email_html' };

/** Notification types: CRUD with validation; built-ins are editable (except their key) and cannot be deleted. */
export class NotificationTypesService {
  constructor(private readonly ctx: ServiceContext) {}

  list(): Promise<NotificationType[]> {
    return this.ctx.repos.notificationTypes.list();
  }

  /** A write's transaction, then the trigger's type cache cleared (after commit: a read in between would keep the old row). */
  private written<T>(tx: Promise<T>): Promise<T> {
    return tx.finally(() => notificationTypeCache(this.ctx).clear());
  }

  /** By id or by key. */
  async get(idOrKey: string, r: Repos = this.ctx.repos, forUpdate = false): Promise<NotificationType> {
    const t = UUID.test(idOrKey)
      ? await r.notificationTypes.get(idOrKey, forUpdate)
      : await r.notificationTypes.getByKey(idOrKey, forUpdate);
    if (!t) throw new NotFoundError('Notification type', idOrKey);
    return t;
  }

  async create(
    actor: Actor,
    input: NotificationTypeInput & { key: string; name: string },
  ): Promise<NotificationType> {
    return this.written(
      inTransaction(this.ctx, async (r) => {
        const write = await this.prepare(r, input, undefined);
        const created = await r.notificationTypes.create({ ...write, key: input.key, name: input.name });
        if (!created)
          throw new ConflictError(`A notification type with the key "${input.key}" exists`, [
            { path: '/key', message: 'already taken' },
          ]);
        await r.audit.record(actor, {
          action: 'notification_type.created',
          entityType: 'notification_type',
          entityId: created.id,
          after: { key: created.key },
        });
        return created;
      }),
    );
  }

  async update(actor: Actor, idOrKey: string, input: NotificationTypeInput): Promise<NotificationType> {
    return this.written(
      inTransaction(this.ctx, async (r) => {
        const current = await this.get(idOrKey, r, true);
        const write = await this.prepare(r, input, current);
        const updated = Object.keys(write).length
          ? await r.notificationTypes.update(current.id, write)
          : current;
        await r.audit.record(actor, {
          action: 'notification_type.updated',
          entityType: 'notification_type',
          entityId: current.id,
          after: Object.keys(input),
        });
        return updated;
      }),
    );
  }

  async delete(actor: Actor, idOrKey: string): Promise<void> {
    await this.written(
      inTransaction(this.ctx, async (r) => {
        const t = await this.get(idOrKey, r, true);
        if (t.builtIn)
          throw new ConflictError('Built-in notification types cannot be deleted; disable them instead');
        await r.notificationTypes.delete(t.id);
        await r.audit.record(actor, {
          action: 'notification_type.deleted',
          entityType: 'notification_type',
          entityId: t.id,
          before: { key: t.key, name: t.name },
        });
      }),
    );
  }

  /** Validates a create or a change (merged over `current`); every problem names its field. */
  private async prepare(
    r: Repos,
    input: NotificationTypeInput,
    current: NotificationType | undefined,
  ): Promise<NotificationTypeWrite> {
    const problems: FieldProblem[] = [];
    const out: NotificationTypeWrite = {};
    if (!current) {
      if (!input.key || !KEY.test(input.key))
        problems.push({
          path: '/key',
          message:
            'must be 1 to 64 characters: lower-case letters, digits, "_", "." or "-", starting with a letter or digit',
        });
    } else if (input.key !== undefined && input.key !== current.key)
      problems.push({
        path: '/key',
        message: 'the key cannot change: the systems that trigger the type use it',
      });
    if (input.name !== undefined) {
      if (!input.name.trim() || input.name.length > 200)
        problems.push({ path: '/name', message: 'must be 1 to 200 characters' });
      else out.name = input.name.trim();
    }
    if (input.description !== undefined) out.description = input.description;
    if (input.category !== undefined) out.category = input.category;
    if (input.critical !== undefined) out.critical = input.critical;
    if (input.enabled !== undefined) out.enabled = input.enabled;
    const category = input.category ?? current?.category ?? 'transactional';
    const critical = input.critical ?? current?.critical ?? false;
    // A new type is transactional unless it says otherwise.
    if (!current) out.category = category;
    if (critical && category === 'marketing')
      problems.push({
        path: '/critical',
        message: 'a marketing type cannot be critical (critical ones ignore opt-outs)',
      });
    const channels = input.channels ?? current?.channels ?? [...NOTIFICATION_CHANNEL_KINDS];
    if (input.channels !== undefined) {
      if (!input.channels.length)
        problems.push({ path: '/channels', message: 'must name at least one channel' });
      input.channels.forEach((c, i) => {
        if (!NOTIFICATION_CHANNEL_KINDS.includes(c))
          problems.push({
            path: `/channels/${i}`,
            message: `must be one of ${NOTIFICATION_CHANNEL_KINDS.join(', ')}`,
          });
        else if (input.channels!.indexOf(c) !== i)
          problems.push({ path: `/channels/${i}`, message: `"${c}" is named twice` });
      });
      out.channels = input.channels;
    }
    const templateIds: Record<NotificationChannelKind, string | null> = {
      telegram: current?.telegramTemplateId ?? null,
      email: current?.emailTemplateId ?? null,
    };
    for (const kind of NOTIFICATION_CHANNEL_KINDS) {
      const ref = input.templates?.[kind];
      if (ref === undefined) continue;
      if (ref === null) templateIds[kind] = null;
      else {
        const t = UUID.test(ref) ? await r.templates.get(ref) : await r.templates.getByKey(ref);
        if (!t) problems.push({ path: `/templates/${kind}`, message: `no template "${ref}"` });
        else if (t.format !== FORMAT[kind])
          problems.push({
            path: `/templates/${kind}`,
            message: `a ${kind} template must have the format ${FORMAT[kind]} (this one is ${t.format})`,
          });
        else templateIds[kind] = t.id;
      }
    }
    const named = new Set(problems.map((p) => p.path));
    for (const kind of channels)
      if (NOTIFICATION_CHANNEL_KINDS.includes(kind) && !templateIds[kind] && !named.has(`/templates/${kind}`))
        problems.push({ path: `/templates/${kind}`, message: `required: the type sends by ${kind}` });
    if (input.templates?.telegram !== undefined) out.telegramTemplateId = templateIds.telegram;
    if (input.templates?.email !== undefined) out.emailTemplateId = templateIds.email;
    if (input.emailChannelId !== undefined) {
      if (input.emailChannelId !== null) {
        const ch = UUID.test(input.emailChannelId) ? await r.channels.get(input.emailChannelId) : undefined;
        if (ch?.type !== 'email')
          problems.push({ path: '/emailChannelId', message: 'no email channel with this id' });
      }
      out.emailChannelId = input.emailChannelId;
    }
    if (input.throttle !== undefined) {
      out.throttleLimit = input.throttle?.limit ?? null;
      out.throttlePeriodSeconds = input.throttle?.periodSeconds ?? null;
    }
    if (input.digestWindowSeconds !== undefined) out.digestWindowSeconds = input.digestWindowSeconds;
    if (problems.length) throw new ValidationError('Invalid notification type', problems);
    return out;
  }
}
