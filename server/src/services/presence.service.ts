import type { Availability } from '../db/schema.ts';
import { ValidationError } from '../lib/errors.ts';
import type { Repos } from '../repositories/index.ts';
import type { PresenceRow } from '../repositories/presence.repository.ts';
import { queueAutoAssign } from './assignment-auto.ts';
import type { Principal } from './auth.service.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { PRESENCE_STALE_SECONDS } from './presence-timing.ts';

/** The realtime room of `presence.changed` (guarded by users:read: everyone who may see the team). */
export const PRESENCE_ROOM = 'presence';

/** What others see of a user: offline without a live connection, else the availability the user chose. */
export interface PresenceState {
  userId: string;
  availability: Availability;
  online: boolean;
  /** The availability the user chose; it applies while they are connected. */
  manualAvailability: Availability;
}

export function effectivePresence(
  row: Pick<PresenceRow, 'userId' | 'manualAvailability' | 'connections'>,
): PresenceState {
  const online = row.connections > 0;
  return {
    userId: row.userId,
    availability: online ? row.manualAvailability : 'offline',
    online,
    manualAvailability: row.manualAvailability,
  };
}

/**
 * Availability (chosen by the agent) and presence (derived from live WebSocket connections reported by every api
 * process into user_presence). Announces `presence.changed` when what others see changes, and lets auto-assignment
 * hand waiting conversations to an agent who just became available.
 */
export class PresenceService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Every active user's presence, by name. */
  async list(): Promise<Array<PresenceState & { displayName: string }>> {
    const rows = await this.ctx.repos.presence.list(PRESENCE_STALE_SECONDS);
    return rows.map((r) => ({ ...effectivePresence(r), displayName: r.displayName }));
  }

  async get(userId: string): Promise<PresenceState | undefined> {
    const row = await this.ctx.repos.presence.get(userId, PRESENCE_STALE_SECONDS);
    return row && effectivePresence(row);
  }

  /** The caller sets their availability (online, busy, offline); API keys have none. */
  async setAvailability(p: Principal, availability: Availability): Promise<PresenceState> {
    if (p.kind !== 'user')
      throw new ValidationError('Only users have an availability', [
        { path: '/availability', message: 'API keys have no availability' },
      ]);
    return inTransaction(this.ctx, async (r) => {
      const state = await this.change(r, p.id, () => r.presence.setAvailability(p.id, availability));
      return state!;
    });
  }

  /** An api process reports how many sockets of a user it holds now (0: the user's last one there closed). */
  async connectionsChanged(userId: string, processId: string, connections: number): Promise<void> {
    await inTransaction(this.ctx, (r) =>
      this.change(r, userId, () => r.presence.setConnections(userId, processId, connections)),
    );
  }

  /** An api process's heartbeat: its rows stay fresh. */
  async heartbeat(processId: string, counts: Map<string, number>): Promise<void> {
    await this.ctx.repos.presence.heartbeat(processId, counts);
  }

  /** An api process shuts down: its rows go (its sockets were closed first, which normally removed them already). */
  async removeProcess(processId: string): Promise<void> {
    const users = await this.ctx.repos.presence.deleteProcess(processId);
    for (const userId of users) await this.announceIfGone(userId, () => Promise.resolve(1));
  }

  /**
   * Deletes rows of api processes that stopped heartbeating (crashed, frozen) and announces the users that left
   * offline. Runs every minute (cron `presence.expire`). Returns how many users were announced offline.
   */
  async expireStale(): Promise<number> {
    const users = await this.ctx.repos.presence.staleUsers(PRESENCE_STALE_SECONDS);
    let gone = 0;
    for (const userId of users) {
      const announced = await this.announceIfGone(userId, (r) =>
        r.presence.deleteStale(PRESENCE_STALE_SECONDS, userId),
      );
      if (announced) gone += 1;
    }
    return gone;
  }

  /** Runs `remove` under the user lock; announces offline when rows went and no live connection is left. */
  private announceIfGone(userId: string, remove: (r: Repos) => Promise<number>): Promise<boolean> {
    return inTransaction(this.ctx, async (r) => {
      if (!(await r.presence.lockUser(userId))) return false;
      if ((await remove(r)) === 0) return false;
      const after = await r.presence.get(userId, PRESENCE_STALE_SECONDS);
      if (!after || after.connections > 0) return false;
      const state = effectivePresence(after);
      await r.realtime.publish(PRESENCE_ROOM, 'presence.changed', {
        userId,
        availability: state.availability,
        online: state.online,
      });
      return true;
    });
  }

  /**
   * Applies `mutate` with the user row locked (changes of one user's presence run one at a time, so each change is
   * seen, and announced, once) and announces the new effective presence if it differs. An agent who became available
   * gets waiting conversations: auto-assignment is queued for their channels.
   */
  private async change(
    r: Repos,
    userId: string,
    mutate: () => Promise<unknown>,
  ): Promise<PresenceState | null> {
    if (!(await r.presence.lockUser(userId))) return null;
    const beforeRow = await r.presence.get(userId, PRESENCE_STALE_SECONDS);
    await mutate();
    const afterRow = await r.presence.get(userId, PRESENCE_STALE_SECONDS);
    if (!beforeRow || !afterRow) return null;
    const before = effectivePresence(beforeRow);
    const after = effectivePresence(afterRow);
    if (before.availability !== after.availability || before.online !== after.online) {
      await r.realtime.publish(PRESENCE_ROOM, 'presence.changed', {
        userId,
        availability: after.availability,
        online: after.online,
      });
      if (after.availability === 'online')
        for (const channelId of await r.memberships.channelsOf(userId)) await queueAutoAssign(r, channelId);
    }
    return after;
  }
}
