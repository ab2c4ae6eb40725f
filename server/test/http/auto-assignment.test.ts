import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/db/schema.ts';
import { AutoAssignService, autoAssignHook } from '../../src/services/assignment-auto.ts';
import { inTransaction } from '../../src/services/context.ts';
import { eventually } from '../support/eventually.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { activities, addMember, newChannel, newConversation, newTeam } from './assignment.helpers.ts';

// Auto-assignment through the service (rounds run synchronously here) and through a worker (jobs, triggers).
// The app is an api process without a worker, so runs queued by triggers (presence, membership) do not interfere with
// the direct calls; the trigger tests at the end start a worker process on the same database.
let app: TestApp;
let worker: TestApp | undefined;
const system = { type: 'system' as const, id: null, name: 'test' };
const PROCESS = 'test-process';

beforeAll(async () => {
  app = await startTestApp({ role: 'api' });
});
afterAll(async () => {
  await worker?.stop();
  await app?.stop();
});

/** A channel with auto-assignment on and the given settings. */
async function autoChannel(autoAssign: Record<string, unknown> = {}): Promise<string> {
  const id = await newChannel(app);
  await app.services.inboxSettings.update(system, id, { autoAssign: { enabled: true, ...autoAssign } });
  return id;
}

/** Agents who are members of the channel, online and connected. */
async function onlineAgents(channelId: string, n: number, capacity?: number | null): Promise<User[]> {
  const agents: User[] = [];
  for (let i = 0; i < n; i++) {
    const { user } = await app.userWithRole('agent');
    await addMember(app, channelId, user.id, capacity);
    await connect(user.id);
    agents.push(user);
  }
  return agents;
}

const connect = (userId: string, connections = 1) =>
  app.services.presence.connectionsChanged(userId, PROCESS, connections);

async function conversations(channelId: string, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await newConversation(app, channelId));
  return out;
}

/** Assignee per conversation of the channel, in creation order. */
async function assignees(channelId: string): Promise<Array<string | null>> {
  const rows = await app.services.ctx.db
    .selectFrom('conversations')
    .select('assigneeId')
    .where('channelId', '=', channelId)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.assigneeId);
}

function countBy(values: Array<string | null>): Map<string | null, number> {
  const m = new Map<string | null, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

describe('round-robin', () => {
  it('spreads 9 conversations over 3 agents, 3 each, in turn', async () => {
    const ch = await autoChannel();
    const agents = await onlineAgents(ch, 3);
    await conversations(ch, 9);
    await app.services.autoAssign.run(ch);
    const result = await assignees(ch);
    const counts = countBy(result);
    expect(agents.map((a) => counts.get(a.id))).toEqual([3, 3, 3]);
    // In turn: each run of three conversations goes to three different agents.
    for (let i = 0; i < 9; i += 3) expect(new Set(result.slice(i, i + 3)).size).toBe(3);
  });

  it('continues the rotation across runs: whoever was served longest ago goes first', async () => {
    const ch = await autoChannel();
    await onlineAgents(ch, 3);
    await conversations(ch, 2);
    await app.services.autoAssign.run(ch);
    const firstTwo = await assignees(ch);
    await conversations(ch, 1);
    await app.services.autoAssign.run(ch);
    const all = await assignees(ch);
    expect(new Set(all).size).toBe(3);
    expect(firstTwo).not.toContain(all[2]);
  });

  it('records automatic assignments with an activity line from the system', async () => {
    const ch = await autoChannel();
    const [agent] = await onlineAgents(ch, 1);
    const [c] = await conversations(ch, 1);
    await app.services.autoAssign.run(ch);
    const rows = await app.services.ctx.db
      .selectFrom('conversationAssignments')
      .selectAll()
      .where('conversationId', '=', c!.id)
      .execute();
    expect(rows).toMatchObject([{ userId: agent!.id, automatic: true, assignedBy: null }]);
    expect(await activities(app, c!.id)).toMatchObject([
      { kind: 'assigned', senderUserId: null, data: { assigneeId: agent!.id, automatic: true } },
    ]);
  });

  it('does nothing when auto-assignment is off', async () => {
    const ch = await newChannel(app);
    await onlineAgents(ch, 1);
    await conversations(ch, 2);
    expect(await app.services.autoAssign.run(ch)).toBe(0);
    expect(await assignees(ch)).toEqual([null, null]);
  });
});

describe('capacity and the fair limit', () => {
  it('respects the channel default and a member capacity; the rest waits', async () => {
    const ch = await autoChannel({ maxPerAgent: 2 });
    const [a, b] = await onlineAgents(ch, 2);
    const [c] = await onlineAgents(ch, 1, 1);
    await conversations(ch, 9);
    expect(await app.services.autoAssign.run(ch)).toBe(5);
    const counts = countBy(await assignees(ch));
    expect([counts.get(a!.id), counts.get(b!.id), counts.get(c!.id), counts.get(null)]).toEqual([2, 2, 1, 4]);
  });

  it('counts conversations already held (open or pending) against capacity, not resolved ones', async () => {
    const ch = await autoChannel({ maxPerAgent: 1 });
    const [a] = await onlineAgents(ch, 1);
    const [held, done] = await conversations(ch, 2);
    const db = app.services.ctx.db;
    await db
      .updateTable('conversations')
      .set({ assigneeId: a!.id, status: 'pending' })
      .where('id', '=', held!.id)
      .execute();
    await db
      .updateTable('conversations')
      .set({ assigneeId: a!.id, status: 'resolved' })
      .where('id', '=', done!.id)
      .execute();
    const [waiting] = await conversations(ch, 1);
    expect(await app.services.autoAssign.run(ch)).toBe(0);
    await db.updateTable('conversations').set({ status: 'resolved' }).where('id', '=', held!.id).execute();
    expect(await app.services.autoAssign.run(ch)).toBe(1);
    expect((await app.services.ctx.repos.conversations.get(waiting!.id))!.assigneeId).toBe(a!.id);
  });

  it('gives an agent at most N automatic assignments per window', async () => {
    const ch = await autoChannel({ fairLimit: { count: 2, windowMinutes: 60 } });
    const [a, b] = await onlineAgents(ch, 2);
    await conversations(ch, 7);
    expect(await app.services.autoAssign.run(ch)).toBe(4);
    // Resolving frees capacity but not the fair limit: still nothing more within the window.
    await app.services.ctx.db
      .updateTable('conversations')
      .set({ status: 'resolved' })
      .where('assigneeId', 'is not', null)
      .where('channelId', '=', ch)
      .execute();
    expect(await app.services.autoAssign.run(ch)).toBe(0);
    const counts = countBy(await assignees(ch));
    expect([counts.get(a!.id), counts.get(b!.id), counts.get(null)]).toEqual([2, 2, 3]);
  });
});

describe('availability', () => {
  it('skips agents who are busy, offline by choice, or have no live connection', async () => {
    const ch = await autoChannel();
    const [online] = await onlineAgents(ch, 1);
    const [busy, away] = await onlineAgents(ch, 2);
    const { user: unconnected } = await app.userWithRole('agent');
    await addMember(app, ch, unconnected.id);
    const { repos } = app.services.ctx;
    await repos.presence.setAvailability(busy!.id, 'busy');
    await repos.presence.setAvailability(away!.id, 'offline');
    // A stale row (a dead api process) is no connection either.
    await app.services.ctx.db
      .insertInto('userPresence')
      .values({
        userId: unconnected.id,
        processId: 'dead',
        connections: 1,
        updatedAt: new Date(Date.now() - 5 * 60_000),
      })
      .execute();
    await conversations(ch, 4);
    await app.services.autoAssign.run(ch);
    expect(countBy(await assignees(ch)).get(online!.id)).toBe(4);
  });

  it('skips marketing and readonly members and deactivated agents', async () => {
    const ch = await autoChannel();
    const { user: gone } = await app.userWithRole('agent');
    await addMember(app, ch, gone.id);
    await connect(gone.id);
    await app.services.ctx.repos.users.update(gone.id, { active: false });
    const { user: reader } = await app.userWithRole('readonly');
    await addMember(app, ch, reader.id);
    await connect(reader.id);
    await conversations(ch, 1);
    expect(await app.services.autoAssign.run(ch)).toBe(0);
  });
});

describe('queue order and teams', () => {
  it('serves the longest waiting first when capacity is short', async () => {
    const ch = await autoChannel({ order: 'longest_waiting', maxPerAgent: 1 });
    await onlineAgents(ch, 1);
    const now = Date.now();
    await newConversation(app, ch, { waitingSince: new Date(now - 60_000) });
    const oldest = await newConversation(app, ch, { waitingSince: new Date(now - 3_600_000) });
    await app.services.autoAssign.run(ch);
    expect((await app.services.ctx.repos.conversations.get(oldest.id))!.assigneeId).not.toBeNull();
  });

  it('serves the earliest created first with order earliest_created', async () => {
    const ch = await autoChannel({ order: 'earliest_created', maxPerAgent: 1 });
    await onlineAgents(ch, 1);
    const first = await newConversation(app, ch, { waitingSince: new Date() });
    await newConversation(app, ch, { waitingSince: new Date(Date.now() - 3_600_000) });
    await app.services.autoAssign.run(ch);
    expect((await app.services.ctx.repos.conversations.get(first.id))!.assigneeId).not.toBeNull();
  });

  it("gives a team's conversation only to members of the team, and none when the team opts out", async () => {
    const ch = await autoChannel();
    const [outside, inside] = await onlineAgents(ch, 2);
    const team = await newTeam(app, `Team ${Date.now()}`);
    const closed = await newTeam(app, `Closed ${Date.now()}`, false);
    await app.services.ctx.repos.memberships.addTeamMember(team, inside!.id);
    await app.services.ctx.repos.memberships.addTeamMember(closed, inside!.id);
    const ours = [
      await newConversation(app, ch, { teamId: team }),
      await newConversation(app, ch, { teamId: team }),
    ];
    const held = await newConversation(app, ch, { teamId: closed });
    await app.services.autoAssign.run(ch);
    const { repos } = app.services.ctx;
    for (const c of ours) expect((await repos.conversations.get(c.id))!.assigneeId).toBe(inside!.id);
    expect((await repos.conversations.get(held.id))!.assigneeId).toBeNull();
    expect(outside).toBeDefined();
  });
});

describe('concurrency', () => {
  it('never double-assigns or exceeds capacity when several runs race', async () => {
    const ch = await autoChannel({ maxPerAgent: 1 });
    const [a, b] = await onlineAgents(ch, 2);
    const convs = await conversations(ch, 6);
    // One conversation per round: concurrent rounds lock different rows (SKIP LOCKED), so only the channel lock keeps
    // them from counting the agents' load from the same snapshot.
    const engine = new AutoAssignService(app.services.ctx, 1);
    const runs = await Promise.all([1, 2, 3, 4].map(() => engine.run(ch)));
    expect(runs.reduce((x, y) => x + y, 0)).toBe(2);
    const counts = countBy(await assignees(ch));
    expect([counts.get(a!.id), counts.get(b!.id), counts.get(null)]).toEqual([1, 1, 4]);
    for (const c of convs) expect((await activities(app, c.id)).length).toBeLessThanOrEqual(1);
  });
});

describe('triggers (a worker process runs the queued jobs)', () => {
  beforeAll(async () => {
    worker = await startTestApp({ role: 'worker', databaseUrl: app.databaseUrl });
  });

  it('keeps conversations in the queue while nobody is available and drains it when an agent comes online', async () => {
    const ch = await autoChannel();
    const { user } = await app.userWithRole('agent');
    await addMember(app, ch, user.id);
    await conversations(ch, 3);
    expect(await app.services.autoAssign.run(ch)).toBe(0);
    expect(await assignees(ch)).toEqual([null, null, null]);
    // The agent connects: presence turns online and queues a run for their channels (the worker runs it).
    await connect(user.id);
    await eventually(async () => (await assignees(ch)).every((a) => a === user.id), 15_000, 'queue drained');
  });

  it('drains the queue when a connected agent switches from busy to online', async () => {
    const ch = await autoChannel();
    const { user, token } = await app.userWithRole('agent');
    await addMember(app, ch, user.id);
    await app.services.ctx.repos.presence.setAvailability(user.id, 'busy');
    await connect(user.id);
    await conversations(ch, 2);
    expect(await app.services.autoAssign.run(ch)).toBe(0);
    const res = await app.http!.inject({
      method: 'PUT',
      url: '/api/v1/auth/me/availability',
      headers: { authorization: `Bearer ${token}` },
      payload: { availability: 'online' },
    });
    expect(res.statusCode).toBe(200);
    await eventually(async () => (await assignees(ch)).every((a) => a === user.id), 15_000, 'queue drained');
  });
  it('the assignment hook queues a run for an unassigned conversation (the worker assigns it)', async () => {
    const ch = await autoChannel();
    const [agent] = await onlineAgents(ch, 1);
    const c = await newConversation(app, ch);
    await inTransaction(app.services.ctx, (r) =>
      autoAssignHook(r, {
        channelId: ch,
        conversation: c,
        message: {} as never,
        contact: {} as never,
        conversationCreated: true,
        conversationReopened: false,
        throttled: false,
      }),
    );
    await eventually(
      async () => (await app.services.ctx.repos.conversations.get(c.id))!.assigneeId === agent!.id,
      15_000,
      'assigned by the worker',
    );
  });

  it('the hook is registered on the receive path under the name "assignment"', () => {
    expect(() => app.services.conversationHooks.onIncomingMessage('assignment', async () => {})).toThrow(
      'hook assignment is already registered',
    );
  });

  it('the hook queues nothing when auto-assignment is off', async () => {
    const ch = await newChannel(app);
    const c = await newConversation(app, ch);
    await inTransaction(app.services.ctx, async (r, tx) => {
      await autoAssignHook(r, {
        channelId: ch,
        conversation: c,
        message: {} as never,
        contact: {} as never,
        conversationCreated: true,
        conversationReopened: false,
        throttled: false,
      });
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from graphile_worker.jobs where key = ${`assignment.auto_assign:${ch}`}`.execute(
        tx,
      );
      expect(rows[0]!.n).toBe(0);
    });
  });

  it('the sweep queues a run for channels with a waiting queue', async () => {
    const ch = await autoChannel();
    const { user } = await app.userWithRole('agent');
    await addMember(app, ch, user.id);
    const [c] = await conversations(ch, 1);
    // Connected behind auto-assignment's back (no presence change announced, so nothing queued a run).
    await app.services.ctx.repos.presence.setConnections(user.id, PROCESS, 1);
    expect(await app.services.autoAssign.sweep()).toBeGreaterThanOrEqual(1);
    await eventually(
      async () => (await app.services.ctx.repos.conversations.get(c!.id))!.assigneeId === user.id,
      15_000,
      'assigned after the sweep',
    );
  });
});
