import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestSocket } from '../realtime-client.ts';
import { eventually } from '../support/eventually.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

// Presence derived from live WebSockets (counted per api process into user_presence) and the availability users choose.
// `other` is a second api process on the same database: presence is shared between processes.
let app: TestApp;
let other: TestApp;
let observer: TestSocket;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  app = await startTestApp({ role: 'api' });
  other = await startTestApp({ role: 'api', databaseUrl: app.databaseUrl });
  const { token } = await app.userWithRole('readonly');
  observer = await open(app, token);
  expect(await observer.join('presence')).toEqual({ type: 'joined', room: 'presence' });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await other?.stop();
  await app?.stop();
});

async function open(target: TestApp, token: string): Promise<TestSocket> {
  const s = await TestSocket.open(target.address!, token);
  sockets.push(s);
  await s.waitForType('ready');
  return s;
}

async function presenceOf(userId: string) {
  const { token } = await app.userWithRole('agent');
  const res = await app.http!.inject({
    method: 'GET',
    url: '/api/v1/users/presence',
    headers: bearer(token),
  });
  expect(res.statusCode).toBe(200);
  return (res.json().data as Array<{ userId: string }>).find((p) => p.userId === userId);
}

/** presence.changed events about one user seen by the observer so far. */
const changes = (userId: string) =>
  observer
    .events('presence.changed')
    .filter((m) => (m.data as { userId: string }).userId === userId)
    .map((m) => m.data);

const waitChange = (userId: string, n: number) =>
  eventually(async () => changes(userId).length >= n && changes(userId), 10_000, `${n} presence changes`);

/** Waits until the user's presence is held by `n` processes (one row per process with an open socket). */
const processRows = (userId: string, n: number) =>
  eventually(
    async () =>
      (
        await app.services.ctx.db
          .selectFrom('userPresence')
          .select('processId')
          .where('userId', '=', userId)
          .execute()
      ).length === n,
    10_000,
    `${n} process rows`,
  );

describe('presence from connections', () => {
  it('is offline without a connection, online with one, offline again when the last one closes', async () => {
    const { user, token } = await app.userWithRole('agent');
    expect(await presenceOf(user.id)).toMatchObject({
      availability: 'offline',
      online: false,
      manualAvailability: 'online',
    });

    const s1 = await open(app, token);
    expect((await waitChange(user.id, 1))[0]).toEqual({
      userId: user.id,
      availability: 'online',
      online: true,
    });
    expect(await presenceOf(user.id)).toMatchObject({ availability: 'online', online: true });

    // A second socket (here on another api process) changes nothing others see; closing one of two neither.
    const s2 = await open(other, token);
    // The socket is open before its process records it: wait for that row, or closing s1 first would be a real offline.
    await processRows(user.id, 2);
    s1.close();
    await processRows(user.id, 1);
    expect(await presenceOf(user.id)).toMatchObject({ online: true });

    s2.close();
    expect((await waitChange(user.id, 2))[1]).toEqual({
      userId: user.id,
      availability: 'offline',
      online: false,
    });
    await observer.flush();
    expect(changes(user.id)).toHaveLength(2);
  });

  it('counts a socket that authenticates by its first message', async () => {
    const { user, token } = await app.userWithRole('agent');
    const s = await TestSocket.open(app.address!);
    sockets.push(s);
    s.send({ type: 'auth', token });
    await s.waitForType('ready');
    await waitChange(user.id, 1);
    expect(await presenceOf(user.id)).toMatchObject({ online: true });
  });

  it('gives API keys no presence', async () => {
    const key = await app.apiKeyWithRole('agent');
    await open(app, key);
    const res = await app.http!.inject({
      method: 'PUT',
      url: '/api/v1/auth/me/availability',
      headers: bearer(key),
      payload: { availability: 'busy' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([
      { path: '/availability', message: 'API keys have no availability' },
    ]);
  });
});

describe('availability', () => {
  const put = (token: string, availability: unknown) =>
    app.http!.inject({
      method: 'PUT',
      url: '/api/v1/auth/me/availability',
      headers: bearer(token),
      payload: { availability },
    });

  it('shows the chosen availability while connected and announces each change', async () => {
    const { user, token } = await app.userWithRole('agent');
    await open(app, token);
    await waitChange(user.id, 1);
    const res = await put(token, 'busy');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      userId: user.id,
      availability: 'busy',
      online: true,
      manualAvailability: 'busy',
    });
    expect((await waitChange(user.id, 2))[1]).toEqual({
      userId: user.id,
      availability: 'busy',
      online: true,
    });
    // The same value again is no change.
    expect((await put(token, 'busy')).statusCode).toBe(200);
    await put(token, 'offline');
    expect((await waitChange(user.id, 3))[2]).toEqual({
      userId: user.id,
      availability: 'offline',
      online: true,
    });
    await observer.flush();
    expect(changes(user.id)).toHaveLength(3);
  });

  it('is stored while disconnected but others see offline, and nothing is announced', async () => {
    const { user, token } = await app.userWithRole('agent');
    const res = await put(token, 'busy');
    expect(res.json()).toEqual({
      userId: user.id,
      availability: 'offline',
      online: false,
      manualAvailability: 'busy',
    });
    await observer.flush();
    expect(changes(user.id)).toEqual([]);
    await open(app, token);
    expect((await waitChange(user.id, 1))[0]).toEqual({
      userId: user.id,
      availability: 'busy',
      online: true,
    });
  });

  it('refuses an unknown availability with 400', async () => {
    const { token } = await app.userWithRole('agent');
    const res = await put(token, 'away');
    expect(res.statusCode).toBe(400);
  });
});

describe('presence of dead api processes', () => {
  it('ignores rows whose heartbeat is stale and announces their users offline when the sweep removes them', async () => {
    const { user } = await app.userWithRole('agent');
    const { user: alive } = await app.userWithRole('agent');
    const db = app.services.ctx.db;
    const old = new Date(Date.now() - 5 * 60_000);
    await db
      .insertInto('userPresence')
      .values({ userId: user.id, processId: 'crashed', connections: 2, updatedAt: old })
      .execute();
    // `alive` also had a socket on the crashed process, but still has one on a live process.
    await db
      .insertInto('userPresence')
      .values({ userId: alive.id, processId: 'crashed', connections: 1, updatedAt: old })
      .execute();
    await app.services.presence.connectionsChanged(alive.id, 'live-process', 1);
    expect(await presenceOf(user.id)).toMatchObject({ online: false, availability: 'offline' });
    expect(await presenceOf(alive.id)).toMatchObject({ online: true });

    expect(await app.services.presence.expireStale()).toBe(1);
    expect((await waitChange(user.id, 1))[0]).toEqual({
      userId: user.id,
      availability: 'offline',
      online: false,
    });
    const left = await db
      .selectFrom('userPresence')
      .select('processId')
      .where('processId', '=', 'crashed')
      .execute();
    expect(left).toEqual([]);
    await observer.flush();
    expect(changes(alive.id).filter((c) => (c as { online: boolean }).online === false)).toEqual([]);
  });

  it('the heartbeat keeps a process row fresh, so the sweep leaves it', async () => {
    const { user } = await app.userWithRole('agent');
    const db = app.services.ctx.db;
    await db
      .insertInto('userPresence')
      .values({
        userId: user.id,
        processId: 'slow',
        connections: 1,
        updatedAt: new Date(Date.now() - 5 * 60_000),
      })
      .execute();
    await app.services.presence.heartbeat('slow', new Map([[user.id, 1]]));
    await app.services.presence.expireStale();
    expect(await presenceOf(user.id)).toMatchObject({ online: true });
  });

  it('removes the rows of an api process that stops', async () => {
    const extra = await startTestApp({ role: 'api', databaseUrl: app.databaseUrl });
    const { user, token } = await app.userWithRole('agent');
    const s = await TestSocket.open(extra.address!, token);
    await s.waitForType('ready');
    await waitChange(user.id, 1);
    await extra.stop();
    expect((await waitChange(user.id, 2))[1]).toEqual({
      userId: user.id,
      availability: 'offline',
      online: false,
    });
    const rows = await app.services.ctx.db
      .selectFrom('userPresence')
      .selectAll()
      .where('userId', '=', user.id)
      .execute();
    expect(rows).toEqual([]);
  });
});

describe('presence room', () => {
  it('is open to every role with users:read', async () => {
    const { token } = await app.userWithRole('agent');
    const s = await open(app, token);
    expect(await s.join('presence')).toEqual({ type: 'joined', room: 'presence' });
  });
});
