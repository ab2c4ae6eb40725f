import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/db/schema.ts';
import { TestSocket } from '../realtime-client.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import {
  activities,
  addMember,
  assignmentRows,
  conversation,
  newChannel,
  newConversation,
  newTeam,
} from './assignment.helpers.ts';

let app: TestApp;
let channelId: string;
let admin: { user: User; token: string };
let anna: { user: User; token: string };
let boris: { user: User; token: string };
/** An agent who is not a member of the channel. */
let outsider: { user: User; token: string };
let readonly: { user: User; token: string };
let marketing: { user: User; token: string };
const sockets: TestSocket[] = [];

const assign = (token: string, id: string, body: Record<string, unknown>) =>
  app.http!.inject({
    method: 'POST',
    url: `/api/v1/conversations/${id}/assign`,
    headers: bearer(token),
    payload: body,
  });

beforeAll(async () => {
  app = await startTestApp();
  channelId = await newChannel(app);
  admin = await app.userWithRole('admin');
  anna = await app.userWithRole('agent');
  boris = await app.userWithRole('agent');
  outsider = await app.userWithRole('agent');
  readonly = await app.userWithRole('readonly');
  marketing = await app.userWithRole('marketing');
  await addMember(app, channelId, anna.user.id);
  await addMember(app, channelId, boris.user.id);
  // English default texts, so the activity lines read as in the issue.
  await app.services.ctx.repos.settings.set('default_language', 'en', null);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.stop();
});

describe('taking a conversation (ifUnassigned)', () => {
  it('assigns an unassigned conversation to the agent who takes it, with history and an activity line', async () => {
    const c = await newConversation(app, channelId);
    const res = await assign(anna.token, c.id, { userId: anna.user.id, ifUnassigned: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: c.id, assigneeId: anna.user.id, teamId: null });
    expect((await conversation(app, c.id)).assigneeId).toBe(anna.user.id);
    expect(await assignmentRows(app, c.id)).toMatchObject([
      { userId: anna.user.id, assignedBy: anna.user.id, automatic: false },
    ]);
    expect(await activities(app, c.id)).toMatchObject([
      {
        kind: 'assigned',
        data: { assigneeId: anna.user.id, assigneeName: anna.user.displayName },
        content: `Assigned to ${anna.user.displayName} by ${anna.user.displayName}`,
        senderUserId: anna.user.id,
      },
    ]);
  });

  it('answers 409 naming the holder when someone else holds it, and changes nothing', async () => {
    const c = await newConversation(app, channelId);
    expect((await assign(anna.token, c.id, { userId: anna.user.id, ifUnassigned: true })).statusCode).toBe(
      200,
    );
    const res = await assign(boris.token, c.id, { userId: boris.user.id, ifUnassigned: true });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'conflict',
      details: [{ path: '/userId', message: `already assigned to ${anna.user.displayName}` }],
    });
    expect((await conversation(app, c.id)).assigneeId).toBe(anna.user.id);
    expect(await assignmentRows(app, c.id)).toHaveLength(1);
  });

  it('is a no-op (200) when the taker already holds it', async () => {
    const c = await newConversation(app, channelId);
    await assign(anna.token, c.id, { userId: anna.user.id, ifUnassigned: true });
    const again = await assign(anna.token, c.id, { userId: anna.user.id, ifUnassigned: true });
    expect(again.statusCode).toBe(200);
    expect(await assignmentRows(app, c.id)).toHaveLength(1);
    expect(await activities(app, c.id)).toHaveLength(1);
  });

  it('gives each conversation to exactly one of two agents pressing "take" at once', async () => {
    for (let i = 0; i < 6; i++) {
      const c = await newConversation(app, channelId);
      const [a, b] = await Promise.all([
        assign(anna.token, c.id, { userId: anna.user.id, ifUnassigned: true }),
        assign(boris.token, c.id, { userId: boris.user.id, ifUnassigned: true }),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
      const winner = a.statusCode === 200 ? anna : boris;
      expect((await conversation(app, c.id)).assigneeId).toBe(winner.user.id);
      expect(await assignmentRows(app, c.id)).toMatchObject([{ userId: winner.user.id }]);
      expect((await activities(app, c.id)).map((x) => x.kind)).toEqual(['assigned']);
    }
  });

  it('refuses ifUnassigned without a user', async () => {
    const c = await newConversation(app, channelId);
    const res = await assign(anna.token, c.id, { userId: null, ifUnassigned: true });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([{ path: '/userId', message: 'required with ifUnassigned' }]);
  });
});

describe('manual assignment', () => {
  it('lets an agent assign to another agent of the channel, and unassign', async () => {
    const c = await newConversation(app, channelId);
    expect((await assign(anna.token, c.id, { userId: boris.user.id })).statusCode).toBe(200);
    expect((await conversation(app, c.id)).assigneeId).toBe(boris.user.id);
    const res = await assign(boris.token, c.id, { userId: null });
    expect(res.statusCode, res.body).toBe(200);
    expect((await conversation(app, c.id)).assigneeId).toBeNull();
    expect(await activities(app, c.id)).toMatchObject([
      {
        kind: 'assigned',
        data: { assigneeId: boris.user.id },
        content: `Assigned to ${boris.user.displayName} by ${anna.user.displayName}`,
      },
      {
        kind: 'unassigned',
        data: { previousAssigneeId: boris.user.id },
        content: `Unassigned by ${boris.user.displayName}`,
      },
    ]);
    expect((await assignmentRows(app, c.id)).map((r) => r.userId)).toEqual([boris.user.id, null]);
  });

  it('assigning to the current assignee changes nothing', async () => {
    const c = await newConversation(app, channelId);
    await assign(admin.token, c.id, { userId: anna.user.id });
    await assign(admin.token, c.id, { userId: anna.user.id });
    expect(await assignmentRows(app, c.id)).toHaveLength(1);
  });

  it('refuses an assignee who cannot work the conversation', async () => {
    const c = await newConversation(app, channelId);
    const cases: Array<[string, string]> = [
      [outsider.user.id, "the agent is not a member of the conversation's channel or team"],
      [readonly.user.id, 'a readonly user does not work conversations'],
      ['7d0b1d5e-3f0a-4c55-9a4e-000000000000', 'user 7d0b1d5e-3f0a-4c55-9a4e-000000000000 not found'],
    ];
    for (const [userId, message] of cases) {
      const res = await assign(admin.token, c.id, { userId });
      expect(res.statusCode, userId).toBe(400);
      expect(res.json().error.details).toEqual([{ path: '/userId', message }]);
    }
    expect((await conversation(app, c.id)).assigneeId).toBeNull();
  });

  it('lets an admin assign to any admin, who works every channel', async () => {
    const c = await newConversation(app, channelId);
    expect((await assign(anna.token, c.id, { userId: admin.user.id })).statusCode).toBe(200);
    expect((await conversation(app, c.id)).assigneeId).toBe(admin.user.id);
  });

  it('assigns to a team, with an activity line naming it', async () => {
    const teamId = await newTeam(app, `Support ${Date.now()}`);
    const name = (await app.services.ctx.repos.memberships.teamName(teamId))!;
    const c = await newConversation(app, channelId);
    const res = await assign(admin.token, c.id, { userId: null, teamId });
    expect(res.statusCode, res.body).toBe(200);
    expect(await conversation(app, c.id)).toMatchObject({ teamId, assigneeId: null });
    expect(await activities(app, c.id)).toMatchObject([
      {
        kind: 'team_assigned',
        data: { teamId, teamName: name },
        content: `Assigned to team ${name} by ${admin.user.displayName}`,
      },
    ]);
    expect(await assignmentRows(app, c.id)).toMatchObject([{ userId: null, teamId }]);
  });

  it('lets a member of the team (not of the channel) take a team conversation', async () => {
    const teamId = await newTeam(app, `Billing ${Date.now()}`);
    await app.services.ctx.repos.memberships.addTeamMember(teamId, outsider.user.id);
    const c = await newConversation(app, channelId, { teamId });
    const res = await assign(outsider.token, c.id, { userId: outsider.user.id, ifUnassigned: true });
    expect(res.statusCode, res.body).toBe(200);
    expect((await conversation(app, c.id)).assigneeId).toBe(outsider.user.id);
  });

  it('refuses an unknown team and an empty body with 400', async () => {
    const c = await newConversation(app, channelId);
    const unknown = await assign(admin.token, c.id, { teamId: '7d0b1d5e-3f0a-4c55-9a4e-000000000001' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details[0].path).toBe('/teamId');
    expect((await assign(admin.token, c.id, {})).statusCode).toBe(400);
    expect((await assign(admin.token, c.id, { userId: 'not-a-uuid' })).statusCode).toBe(400);
  });
});

describe('who may assign', () => {
  it('answers 404 to an agent who cannot see the conversation (not a member of its channel)', async () => {
    const c = await newConversation(app, channelId);
    const res = await assign(outsider.token, c.id, { userId: outsider.user.id, ifUnassigned: true });
    expect(res.statusCode).toBe(404);
    expect((await conversation(app, c.id)).assigneeId).toBeNull();
  });

  it('answers 404 to an agent for a conversation assigned to someone else (not theirs to see)', async () => {
    const other = await newChannel(app, 'Other');
    await addMember(app, other, boris.user.id);
    const c = await newConversation(app, other);
    await assign(boris.token, c.id, { userId: boris.user.id });
    expect((await assign(anna.token, c.id, { userId: anna.user.id })).statusCode).toBe(404);
  });

  it('refuses readonly and marketing (403) and an unknown conversation (404)', async () => {
    const c = await newConversation(app, channelId);
    expect((await assign(readonly.token, c.id, { userId: anna.user.id })).statusCode).toBe(403);
    expect((await assign(marketing.token, c.id, { userId: anna.user.id })).statusCode).toBe(403);
    const missing = await assign(admin.token, '7d0b1d5e-3f0a-4c55-9a4e-000000000002', {
      userId: anna.user.id,
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('assignment events', () => {
  it('publishes conversation.updated and the activity message.created in the conversations room', async () => {
    const s = await TestSocket.open(app.address!, admin.token);
    sockets.push(s);
    await s.join('conversations');
    const c = await newConversation(app, channelId);
    expect((await assign(anna.token, c.id, { userId: anna.user.id, ifUnassigned: true })).statusCode).toBe(
      200,
    );
    const updated = await s.waitFor(
      (m) =>
        m.event === 'conversation.updated' &&
        (m.data as { conversation: { id: string } }).conversation.id === c.id,
    );
    expect(updated.room).toBe('conversations');
    expect(updated.data).toMatchObject({
      changed: ['assigneeId'],
      conversation: { assigneeId: anna.user.id },
    });
    const line = await s.waitFor(
      (m) => m.event === 'message.created' && (m.data as { conversationId: string }).conversationId === c.id,
    );
    expect(line.data).toMatchObject({
      message: { messageType: 'activity', contentAttributes: { activity: { kind: 'assigned' } } },
    });
  });
});
