import type { Channel, Conversation } from '../db/schema.ts';
import { presentConversation } from '../http/conversation.presenters.ts';
import type { AutoAssignCandidate } from '../repositories/assignments.repository.ts';
import type { Repos } from '../repositories/index.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { recordActivity } from './conversation-activity.ts';
import type { IncomingMessageHook } from './conversation-hooks.ts';
import { CONVERSATIONS_ROOM } from './conversation-recorder.ts';
import { type InboxSettings, inboxSettingsOf } from './inbox-settings.ts';
import { PRESENCE_STALE_SECONDS } from './presence-timing.ts';

/** Conversations one round takes from the queue; a round that assigned a full batch is followed by another. */
const ROUND_SIZE = 200;

type AutoAssign = InboxSettings['autoAssign'];

/**
 * Queues an auto-assignment run for a channel (coalesced: one pending job per channel) when its inbox settings switch
 * auto-assignment on. Call inside the transaction that made a conversation wait or freed an agent.
 */
export async function queueAutoAssign(r: Repos, channelId: string, channel?: Channel): Promise<boolean> {
  const ch = channel ?? (await r.channels.get(channelId));
  if (!ch || !inboxSettingsOf(ch).autoAssign.enabled) return false;
  await r.jobs.add(
    'assignment.auto_assign',
    { channelId },
    { jobKey: `assignment.auto_assign:${channelId}` },
  );
  return true;
}

/** The `assignment` conversation hook: a customer wrote in a conversation nobody holds. */
export const autoAssignHook: IncomingMessageHook = async (r, e) => {
  // A flood's first message already queued the run; the flag asks automations to stay out of the rest.
  if (e.throttled || e.conversation.assigneeId !== null) return;
  if (e.conversation.status !== 'open' && e.conversation.status !== 'pending') return;
  await queueAutoAssign(r, e.channelId);
};

/** The most an agent may hold in this channel: their own capacity, else the channel default; null = no limit. */
export function capacityOf(c: Pick<AutoAssignCandidate, 'capacity'>, s: AutoAssign): number | null {
  return c.capacity ?? s.maxPerAgent;
}

/**
 * Who gets a conversation (pure): among candidates under capacity and under the fair limit, and for a team's
 * conversation only members of that team, the one whose last automatic assignment is the oldest (never first), ties
 * by user id. Null when nobody can take it.
 */
export function pickAgent(
  candidates: readonly AutoAssignCandidate[],
  conversation: Pick<Conversation, 'teamId'>,
  s: AutoAssign,
): AutoAssignCandidate | null {
  let best: AutoAssignCandidate | null = null;
  for (const c of candidates) {
    if (conversation.teamId !== null && !c.teamIds.includes(conversation.teamId)) continue;
    const capacity = capacityOf(c, s);
    if (capacity !== null && c.activeCount >= capacity) continue;
    if (s.fairLimit && c.recentAutomatic >= s.fairLimit.count) continue;
    if (!best || earlier(c, best)) best = c;
  }
  return best;
}

function earlier(a: AutoAssignCandidate, b: AutoAssignCandidate): boolean {
  const ta = a.lastAutomaticAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  const tb = b.lastAutomaticAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  return ta !== tb ? ta < tb : a.userId < b.userId;
}

/**
 * The auto-assignment engine (docs/architecture.md, "Assignment"). A run drains one channel's unassigned queue in rounds;
 * each round is one transaction holding the channel's advisory lock, so rounds of the same channel in several worker
 * processes run one after another and each sees the assignments of the one before.
 */
export class AutoAssignService {
  constructor(
    private readonly ctx: ServiceContext,
    /** Conversations a round takes from the queue (tests make it small to race rounds against each other). */
    private readonly roundSize = ROUND_SIZE,
  ) {}

  /** Assigns what can be assigned now; returns how many conversations were given out. */
  async run(channelId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const { assigned, more } = await this.round(channelId);
      total += assigned;
      if (!more) return total;
    }
  }

  /** Safety net (cron, every minute): queues a run for every channel with auto-assignment on and a waiting queue. */
  async sweep(): Promise<number> {
    const channels = await this.ctx.repos.assignments.channelsWithQueue();
    let queued = 0;
    await inTransaction(this.ctx, async (r) => {
      for (const ch of channels) if (await queueAutoAssign(r, ch.id, ch as Channel)) queued += 1;
    });
    return queued;
  }

  private round(channelId: string): Promise<{ assigned: number; more: boolean }> {
    return inTransaction(this.ctx, async (r) => {
      await r.assignments.lockChannel(channelId);
      const channel = await r.channels.get(channelId);
      if (!channel) return { assigned: 0, more: false };
      const s = inboxSettingsOf(channel).autoAssign;
      if (!s.enabled) return { assigned: 0, more: false };
      const queue = await r.assignments.queue(channelId, s.order, this.roundSize);
      if (queue.length === 0) return { assigned: 0, more: false };
      const candidates = await r.assignments.candidates(channelId, {
        staleSeconds: PRESENCE_STALE_SECONDS,
        fairWindowMinutes: s.fairLimit?.windowMinutes ?? null,
      });
      if (candidates.length === 0) return { assigned: 0, more: false };
      const teams = await r.assignments.autoAssignableTeams([
        ...new Set(queue.map((c) => c.teamId).filter((t): t is string => t !== null)),
      ]);

      // Later than every stored time: an agent served in this round goes to the back of the line.
      let tick = Math.max(Date.now(), ...candidates.map((c) => c.lastAutomaticAt?.getTime() ?? 0));
      let assigned = 0;
      for (const conversation of queue) {
        if (conversation.teamId !== null && !teams.has(conversation.teamId)) continue;
        const agent = pickAgent(candidates, conversation, s);
        if (!agent) continue;
        const updated = await r.assignments.assignIfUnassigned(conversation.id, agent.userId);
        if (!updated) continue;
        agent.activeCount += 1;
        agent.recentAutomatic += 1;
        agent.lastAutomaticAt = new Date(++tick);
        await r.assignments.record({
          conversationId: updated.id,
          userId: agent.userId,
          teamId: updated.teamId,
          assignedBy: null,
          automatic: true,
        });
        await recordActivity(
          r,
          updated.id,
          {
            kind: 'assigned',
            data: { assigneeId: agent.userId, assigneeName: agent.displayName, automatic: true },
          },
          null,
        );
        await r.realtime.publish(CONVERSATIONS_ROOM, 'conversation.updated', {
          conversation: presentConversation(updated),
          changed: ['assigneeId'],
        });
        assigned += 1;
      }
      return { assigned, more: assigned > 0 && queue.length === this.roundSize };
    });
  }
}
