import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/db/schema.ts';
import { TestSocket } from '../realtime-client.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { newChannel, newTeam } from './assignment.helpers.ts';

let app: TestApp;
let admin: string;
let agent: { user: User; token: string };
const sockets: TestSocket[] = [];

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const api = (method: Method, url: string, payload?: unknown, token = admin) =>
  app.http!.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

beforeAll(async () => {
  app = await startTestApp({ role: 'api' });
  admin = (await app.userWithRole('admin')).token;
  agent = await app.userWithRole('agent');
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.stop();
});

describe('channel members', () => {
  it('adds, lists with capacity and presence, changes capacity, and removes', async () => {
    const ch = await newChannel(app);
    const added = await api('POST', `/api/v1/channels/${ch}/members`, { userId: agent.user.id, capacity: 3 });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({
      channelId: ch,
      userId: agent.user.id,
      displayName: agent.user.displayName,
      role: 'agent',
      capacity: 3,
      availability: 'offline',
      online: false,
    });
    // Adding again is fine (200) and applies a given capacity.
    const again = await api('POST', `/api/v1/channels/${ch}/members`, {
      userId: agent.user.id,
      capacity: null,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().capacity).toBeNull();

    const patched = await api('PATCH', `/api/v1/channels/${ch}/members/${agent.user.id}`, { capacity: 5 });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().capacity).toBe(5);

    const list = await api('GET', `/api/v1/channels/${ch}/members`, undefined, agent.token);
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toMatchObject([{ userId: agent.user.id, capacity: 5 }]);

    expect((await api('DELETE', `/api/v1/channels/${ch}/members/${agent.user.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/api/v1/channels/${ch}/members`)).json().data).toEqual([]);
    expect((await api('DELETE', `/api/v1/channels/${ch}/members/${agent.user.id}`)).statusCode).toBe(404);
  });

  it('audits membership changes', async () => {
    const ch = await newChannel(app);
    await api('POST', `/api/v1/channels/${ch}/members`, { userId: agent.user.id });
    const rows = await app.services.ctx.db
      .selectFrom('auditLog')
      .select(['action', 'after'])
      .where('entityId', '=', ch)
      .execute();
    expect(rows).toMatchObject([{ action: 'channel.member_added', after: { userId: agent.user.id } }]);
  });

  it('refuses users who do not work conversations, unknown users and channels, and bad capacities', async () => {
    const ch = await newChannel(app);
    const { user: reader } = await app.userWithRole('readonly');
    const ro = await api('POST', `/api/v1/channels/${ch}/members`, { userId: reader.id });
    expect(ro.statusCode).toBe(400);
    expect(ro.json().error.details).toEqual([
      { path: '/userId', message: 'a readonly user does not work conversations' },
    ]);
    const unknownUser = await api('POST', `/api/v1/channels/${ch}/members`, {
      userId: '7d0b1d5e-3f0a-4c55-9a4e-000000000009',
    });
    expect(unknownUser.statusCode).toBe(400);
    const unknownChannel = await api(
      'POST',
      '/api/v1/channels/7d0b1d5e-3f0a-4c55-9a4e-000000000009/members',
      {
        userId: agent.user.id,
      },
    );
    expect(unknownChannel.statusCode).toBe(404);
    expect(
      (await api('POST', `/api/v1/channels/${ch}/members`, { userId: agent.user.id, capacity: -1 }))
        .statusCode,
    ).toBe(400);
    expect(
      (await api('PATCH', `/api/v1/channels/${ch}/members/${agent.user.id}`, { capacity: 1 })).statusCode,
    ).toBe(404);
  });

  it('lets only channels:write change members', async () => {
    const ch = await newChannel(app);
    const res = await api('POST', `/api/v1/channels/${ch}/members`, { userId: agent.user.id }, agent.token);
    expect(res.statusCode).toBe(403);
  });

  it("tells the user's sockets their memberships changed (membership.changed in their room)", async () => {
    const ch = await newChannel(app);
    const s = await TestSocket.open(app.address!, agent.token);
    sockets.push(s);
    expect(await s.join(`user:${agent.user.id}`)).toMatchObject({ type: 'joined' });
    await api('POST', `/api/v1/channels/${ch}/members`, { userId: agent.user.id });
    const event = await s.waitFor((m) => m.event === 'membership.changed');
    expect(event.data).toEqual({ userId: agent.user.id });
  });
});

describe('team members', () => {
  it('adds, lists and removes', async () => {
    const team = await newTeam(app, `Support ${Date.now()}`);
    const added = await api('POST', `/api/v1/teams/${team}/members`, { userId: agent.user.id });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ teamId: team, userId: agent.user.id, role: 'agent' });
    expect((await api('POST', `/api/v1/teams/${team}/members`, { userId: agent.user.id })).statusCode).toBe(
      200,
    );
    const list = await api('GET', `/api/v1/teams/${team}/members`, undefined, agent.token);
    expect(list.json().data).toMatchObject([{ userId: agent.user.id }]);
    expect((await api('DELETE', `/api/v1/teams/${team}/members/${agent.user.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/api/v1/teams/${team}/members`)).json().data).toEqual([]);
  });

  it('answers 404 for an unknown team and 403 to agents changing members', async () => {
    const missing = '7d0b1d5e-3f0a-4c55-9a4e-00000000000a';
    expect((await api('GET', `/api/v1/teams/${missing}/members`)).statusCode).toBe(404);
    expect(
      (await api('POST', `/api/v1/teams/${missing}/members`, { userId: agent.user.id })).statusCode,
    ).toBe(404);
    const team = await newTeam(app, `Sales ${Date.now()}`);
    expect(
      (await api('POST', `/api/v1/teams/${team}/members`, { userId: agent.user.id }, agent.token)).statusCode,
    ).toBe(403);
  });
});
