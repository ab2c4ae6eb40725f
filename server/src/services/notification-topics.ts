import type { Broadcast } from '../db/schema.ts';
import { type FieldProblem, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { BroadcastsService } from './broadcasts.service.ts';
import type { ServiceContext } from './context.ts';
import { MAX_DATA_BYTES } from './notification-trigger.ts';
import { type FilterGroup, parseFilter } from './segments/filter.ts';
import { SETTINGS } from './settings.service.ts';

/**
 * The topic form: one notification type to everyone a segment (or filter) selects. It becomes a broadcast of the type's
 * Telegram template with the call's data, started at once, so a broadcast's guarantees hold: the audience fixed in one
 * statement, once per contact, bulk pacing behind support traffic, pause and cancel, per-recipient outcomes.
 *
 * Per-type opt-outs are honoured by the audience itself: unless the type is critical, the filter is narrowed with the
 * `notification` condition (not turned off, entirely or on Telegram), so who opted out is simply not a recipient. What
 * broadcasts always do holds too: contacts unsubscribed from marketing are skipped (even for a transactional type: use
 * the trigger or batch API to reach them one by one), and a marketing type gets the workspace's quiet hours.
 */
export interface TopicInput {
  type: string;
  segmentId?: string;
  filter?: unknown;
  data?: Record<string, unknown>;
  /** The bot to send through; default: the oldest active Telegram channel. */
  channelId?: string;
}

export class NotificationTopics {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly broadcasts: BroadcastsService,
  ) {}

  async send(actor: Actor, input: TopicInput): Promise<Broadcast> {
    const r = this.ctx.repos;
    const problems: FieldProblem[] = [];
    const type = await r.notificationTypes.getByKey(input.type);
    if (!type) problems.push({ path: '/type', message: `no notification type with the key "${input.type}"` });
    else if (!type.enabled)
      problems.push({ path: '/type', message: `the notification type "${type.key}" is disabled` });
    else if (!type.channels.includes('telegram') || !type.telegramTemplateId)
      problems.push({
        path: '/type',
        message: 'a topic is sent by Telegram: the type has no Telegram channel or template',
      });
    if ((input.segmentId === undefined) === (input.filter === undefined))
      problems.push({ path: '/segmentId', message: 'give exactly one of segmentId and filter' });
    const data = input.data ?? {};
    if (Buffer.byteLength(JSON.stringify(data)) > MAX_DATA_BYTES)
      problems.push({ path: '/data', message: `larger than ${MAX_DATA_BYTES / 1024} KB as JSON` });
    const channel = input.channelId
      ? await r.channels.get(input.channelId)
      : await r.channels.firstActive('telegram');
    if (!channel)
      problems.push({
        path: '/channelId',
        message: input.channelId ? 'no such channel' : 'no active Telegram channel',
      });
    let audience: FilterGroup | undefined;
    if (input.segmentId !== undefined && input.filter === undefined) {
      const segment = await r.segments.get(input.segmentId);
      if (!segment) problems.push({ path: '/segmentId', message: 'no such segment' });
      else audience = parseFilter(segment.filter, 'filter').filter;
    } else if (input.filter !== undefined) {
      const parsed = parseFilter(input.filter, 'filter');
      problems.push(...parsed.problems);
      audience = parsed.filter;
    }
    if (problems.length || !type || !channel || !audience)
      throw new ValidationError('Invalid topic', problems);

    const filter: FilterGroup = type.critical
      ? audience
      : {
          op: 'and',
          conditions: [audience, { type: 'notification', key: type.key, op: 'allowed', channel: 'telegram' }],
        };
    const quiet = type.category === 'marketing' && !type.critical ? await this.quietHours() : null;
    const draft = await this.broadcasts.create(actor, {
      title: `${type.name} (${type.key})`.slice(0, 200),
      channelId: channel.id,
      filter,
      templateId: type.telegramTemplateId,
      ...(quiet ? { quietHours: quiet } : {}),
    });
    await r.notifications.setTopicOf(draft.id, type.id, data);
    try {
      return await this.broadcasts.sendNow(actor, draft.id);
    } catch (err) {
      // Nothing was sent: do not leave a half-made draft behind.
      await this.broadcasts.delete(actor, draft.id).catch(() => undefined);
      throw err;
    }
  }

  private async quietHours(): Promise<{ from: string; to: string } | null> {
    const stored = await this.ctx.repos.settings.get('notification_quiet_hours');
    const value = stored === undefined ? SETTINGS.notification_quiet_hours!.default : stored;
    return (value as { from: string; to: string } | null) ?? null;
  }
}
