import type { Attachment, Conversation, Message } from '../db/schema.ts';
import { presentConversation } from '../http/conversation.presenters.ts';
import { type CursorPosition, decodeCursor, encodeCursor, invalidCursor, type Page } from '../lib/cursor.ts';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type {
  ConversationFilter,
  ConversationRow,
  ConversationSort,
} from '../repositories/conversations.repository.ts';
import type { Repos } from '../repositories/index.ts';
import { queueAutoAssign } from './assignment-auto.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { recordActivity } from './conversation-activity.ts';
import { type ConversationPatch, planChange } from './conversation-change.ts';
import type { ConversationHooks } from './conversation-hooks.ts';
import { CONVERSATIONS_ROOM, reopen } from './conversation-recorder.ts';
import { canSee, type Viewer, visibleWhere } from './conversation-visibility.ts';
import { inboxSettingsOf } from './inbox-settings.ts';
import { SETTINGS } from './settings.service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** At most one read mark written per agent and conversation in this window (issue 4). */
export const READ_THROTTLE_MS = 15_000;

/** A cursor position of one list kind (`k`), refused when it is another list's or malformed. */
function position(cursor: string | undefined, k: string): CursorPosition | undefined {
  return cursor
    ? decodeCursor(cursor, (p) => p.k === k && typeof p.v === 'string' && UUID.test(p.id))
    : undefined;
}

/** The cursor's value is the only client text the queries cast: a data exception there means it was forged. */
function forgedCursor(after: CursorPosition | undefined) {
  return (err: { code?: string }): never => {
    if (after && /^22/.test(err.code ?? '')) throw invalidCursor();
    throw err;
  };
}

/** The list filter as the API takes it: `assignee` may be `me` or `none`. */
export type ListFilter = Omit<ConversationFilter, 'visible'>;

export type { ConversationPatch } from './conversation-change.ts';

const SORT_KIND: Record<ConversationSort, string> = {
  activity: 'conversations',
  waiting: 'conversations:waiting',
  updated: 'conversations:updated',
};

/** The inbox's conversations: lists and counts per viewer, changes (status, snooze, labels…), read marks. */
export class ConversationsService {
  constructor(
    private readonly ctx: ServiceContext,
    /** Status-change hooks (automations' `resolved` trigger); absent in tests that build the service alone. */
    private readonly hooks?: ConversationHooks,
  ) {}

  /**
   * A page of the conversations the viewer may see. Sorts: last activity (default), longest waiting first, or change
   * order when `updatedSince` is given (reconnect catch-up: `updated_at, id` ascending).
   */
  async list(
    viewer: Viewer,
    opts: { filter: ListFilter; sort?: 'activity' | 'waiting'; limit: number; cursor?: string },
  ): Promise<Page<ConversationRow>> {
    const sort: ConversationSort = opts.filter.updatedSince ? 'updated' : (opts.sort ?? 'activity');
    const after = position(opts.cursor, SORT_KIND[sort]);
    const filter: ConversationFilter = {
      ...opts.filter,
      assignee: opts.filter.assignee === 'me' ? viewer.id : opts.filter.assignee,
      visible: visibleWhere(viewer, 'c'),
    };
    if (filter.assignee && filter.assignee !== 'none' && !UUID.test(filter.assignee))
      throw new ValidationError('Invalid assignee', [
        { path: '/assignee', message: 'must be "me", "none" or a user id' },
      ]);
    const rows = await this.ctx.repos.conversations
      .list({
        filter,
        sort,
        limit: opts.limit + 1,
        after,
        viewerUserId: viewer.kind === 'user' ? viewer.id : null,
      })
      .catch(forgedCursor(after));
    const page = rows.slice(0, opts.limit);
    const last = page.at(-1);
    return {
      data: page,
      nextCursor:
        rows.length > opts.limit && last
          ? encodeCursor({ v: last.sortValue, id: last.id, k: SORT_KIND[sort] })
          : null,
    };
  }

  /** Totals per inbox view (mine, unassigned, all, and per status) among what the viewer may see. */
  counts(viewer: Viewer) {
    return this.ctx.repos.conversations.counts({
      visible: visibleWhere(viewer, 'c'),
      userId: viewer.kind === 'user' ? viewer.id : null,
    });
  }

  /** A conversation regardless of who asks (internal callers that check visibility themselves). */
  async get(id: string): Promise<Conversation> {
    const conversation = await this.ctx.repos.conversations.get(id);
    if (!conversation) throw new NotFoundError('Conversation', id);
    return conversation;
  }

  /** A conversation the viewer may see; 404 otherwise, so its existence does not leak. */
  async getVisible(viewer: Viewer, id: string): Promise<Conversation> {
    const conversation = await this.ctx.repos.conversations.get(id);
    if (!conversation || !(await canSee(this.ctx.repos, viewer, conversation)))
      throw new NotFoundError('Conversation', id);
    return conversation;
  }

  /**
   * Changes status, snooze, priority, category, labels or custom attributes. Each change leaves an activity line and
   * the whole lands as one `conversation.updated` with the changed field names. A no-op PATCH writes nothing.
   */
  async update(viewer: Viewer, actor: Actor, id: string, patch: ConversationPatch): Promise<Conversation> {
    const now = this.ctx.clock.now();
    const categories =
      (await this.ctx.repos.settings.get('conversation_categories')) ??
      SETTINGS.conversation_categories!.default;
    return inTransaction(this.ctx, async (r) => {
      const current = await r.conversations.getForUpdate(id);
      if (!current || !(await canSee(r, viewer, current))) throw new NotFoundError('Conversation', id);
      const labels = patch.labels ? await canonicalLabels(r, patch.labels) : undefined;
      const plan = planChange(current, { ...patch, labels }, { now, categories: categories as string[] });
      if (plan.changed.length === 0) return current;

      const updated = await r.conversations.update(id, plan.change).catch((err: { code?: string }) => {
        // Reopening an old conversation while the chat already has a newer one that is not resolved.
        if (err.code === '23505')
          throw new ConflictError('This chat already has an open conversation', [
            { path: '/status', message: 'another conversation of this chat is not resolved' },
          ]);
        throw err;
      });
      if (updated.status === 'snoozed' && updated.snoozedUntil)
        await r.jobs.add(
          'conversations.snooze_wake',
          { conversationId: id },
          { jobKey: `conversations.snooze_wake:${id}`, runAt: updated.snoozedUntil },
        );
      if (plan.changed.includes('status')) await this.afterStatusChange(r, updated);
      const by = { type: actor.type, id: actor.id, name: actor.name };
      for (const activity of plan.activities) await recordActivity(r, id, activity, by);
      await r.realtime.publish(CONVERSATIONS_ROOM, 'conversation.updated', {
        conversation: presentConversation(updated),
        changed: plan.changed,
      });
      return updated;
    });
  }

  /**
   * After a status change: a resolved or snoozed conversation frees its agent's capacity and a reopened one joins the
   * queue, so auto-assignment runs (when the channel has it); resolving sends the CSAT survey when the channel asks.
   */
  private async afterStatusChange(r: Repos, c: Conversation): Promise<void> {
    const channel = await r.channels.get(c.channelId);
    if (!channel) return;
    await queueAutoAssign(r, c.channelId, channel);
    if (c.status === 'resolved' && inboxSettingsOf(channel).csat.enabled && c.contactId)
      await r.jobs.add('csat.send', { conversationId: c.id }, { jobKey: `csat.send:${c.id}` });
    await this.hooks?.statusChanged(r, c);
  }

  /**
   * Marks a conversation read by the viewer now. Throttled in SQL: within 15 s of the last stored mark nothing is
   * written and no event is sent (the answer still says what is stored). API keys have no read state.
   */
  async markRead(viewer: Viewer, id: string): Promise<{ lastSeenAt: Date | null; written: boolean }> {
    await this.getVisible(viewer, id);
    if (viewer.kind !== 'user')
      throw new ValidationError('API keys have no read state', [
        { path: '', message: 'only users mark conversations read' },
      ]);
    const now = this.ctx.clock.now();
    return inTransaction(this.ctx, async (r) => {
      const written = await r.conversations.markRead(id, viewer.id, now, READ_THROTTLE_MS);
      if (!written) return { lastSeenAt: await r.conversations.lastSeen(id, viewer.id), written: false };
      await r.realtime.publish(CONVERSATIONS_ROOM, 'conversation.read', {
        conversationId: id,
        userId: viewer.id,
        lastSeenAt: written.toISOString(),
      });
      return { lastSeenAt: written, written: true };
    });
  }

  /** The wake job of one snooze: reopens the conversation if it is still snoozed and its time has come. */
  async wakeSnoozed(id: string): Promise<boolean> {
    const now = this.ctx.clock.now();
    return inTransaction(this.ctx, async (r) => {
      const c = await r.conversations.getForUpdate(id);
      // Woken already (a message, an agent, the sweep), or snoozed again for later: nothing to do.
      if (c?.status !== 'snoozed' || !c.snoozedUntil || c.snoozedUntil > now) return false;
      const woken = await reopen(r, c, 'snooze_ended');
      await this.afterStatusChange(r, woken);
      await r.realtime.publish(CONVERSATIONS_ROOM, 'conversation.updated', {
        conversation: presentConversation(woken),
        changed: ['status', 'snoozedUntil'],
      });
      return true;
    });
  }

  /** The minute sweep: wakes every snooze that is due (each in its own transaction). */
  async sweepSnoozed(): Promise<number> {
    let woken = 0;
    for (;;) {
      const due = await this.ctx.repos.conversations.listSnoozeDue(this.ctx.clock.now(), 200);
      for (const id of due) if (await this.wakeSnoozed(id)) woken += 1;
      if (due.length < 200) return woken;
    }
  }

  /**
   * A page of a conversation's messages. Default: the latest page first, `nextCursor` pages back in time. With
   * `direction: 'newer'` and a cursor (`newerCursor` of an earlier answer) it returns what came after, `nextCursor`
   * continuing forward. Within a page messages are oldest → newest either way.
   */
  async messages(
    viewer: Viewer,
    id: string,
    opts: { limit: number; cursor?: string; direction?: 'older' | 'newer' },
  ): Promise<Page<Message> & { attachments: Attachment[]; newerCursor: string | null }> {
    await this.getVisible(viewer, id);
    const newer = opts.direction === 'newer';
    const k = newer ? 'messages:newer' : 'messages';
    // A newerCursor may also be used to page back from, and the other way round: both name one message.
    const after = opts.cursor
      ? decodeCursor(
          opts.cursor,
          (p) =>
            (p.k === 'messages' || p.k === 'messages:newer') && typeof p.v === 'string' && UUID.test(p.id),
        )
      : undefined;
    const rows = await this.ctx.repos.messages
      .listPage({ conversationId: id, limit: opts.limit + 1, after, newer })
      .catch(forgedCursor(after));
    const page = rows.slice(0, opts.limit);
    const edge = page.at(-1);
    const data = page.map(({ sortValue: _s, ...m }) => m as Message);
    if (!newer) data.reverse();
    const newest = newer ? page.at(-1) : page[0];
    return {
      data,
      nextCursor:
        rows.length > opts.limit && edge ? encodeCursor({ v: edge.sortValue, id: edge.id, k }) : null,
      newerCursor: newest
        ? encodeCursor({ v: newest.sortValue, id: newest.id, k: 'messages:newer' })
        : (opts.cursor ?? null),
      attachments: await this.ctx.repos.attachments.listForMessages(data.map((m) => m.id)),
    };
  }
}

/** Label names as stored (canonical spelling), deduplicated; a name with no label is a 400 naming its position. */
async function canonicalLabels(r: Repos, names: string[]): Promise<string[]> {
  const found = await r.labels.findByNames(names);
  const byLower = new Map(found.map((l) => [l.name.toLowerCase(), l.name]));
  const problems = names.flatMap((n, i) =>
    byLower.has(n.toLowerCase()) ? [] : [{ path: `/labels/${i}`, message: `no label named "${n}"` }],
  );
  if (problems.length > 0) throw new ValidationError('Unknown labels', problems);
  return [...new Set(names.map((n) => byLower.get(n.toLowerCase())!))];
}
