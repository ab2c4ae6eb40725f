import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_CHANNEL, roomPermission } from '../src/realtime/event-map.ts';
import { TestSocket } from './realtime-client.ts';
import { bearer, startTestApp, type TestApp } from './support/test-app.ts';

// The main app keeps production timers; `quick` (an api process on the same database) has short ones
// and one extra room only owners and admins may join, since every real room is open to every role today.
let app: TestApp;
let quick: TestApp;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  app = await startTestApp();
  quick = await startTestApp({
    role: 'api',
    databaseUrl: app.databaseUrl,
    realtime: {
      heartbeatMs: 150,
      authTimeoutMs: 300,
      roomPermission: (room) => (room === 'audit' ? 'audit_log:read' : roomPermission(room)),
    },
  });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await quick?.stop();
  await app?.stop();
});

async function open(target: TestApp, token?: string, opts = {}): Promise<TestSocket> {
  const s = await TestSocket.open(target.address!, token, opts);
  sockets.push(s);
  return s;
}

describe('realtime authentication', () => {
  it('accepts a session token in the query string and says ready with the role', async () => {
    const { token } = await app.userWithRole('agent');
    const s = await open(app, token);
    expect(await s.waitForType('ready')).toEqual({ type: 'ready', role: 'agent' });
  });

  it('accepts an API key sent as the first message', async () => {
    const key = await app.apiKeyWithRole('readonly');
    const s = await open(app);
    s.send({ type: 'auth', token: key });
    expect(await s.waitForType('ready')).toEqual({ type: 'ready', role: 'readonly' });
  });

  it('handles a join sent right behind the auth message, after the token check', async () => {
    const { token } = await app.userWithRole('agent');
    const s = await open(app);
    s.send({ type: 'auth', token });
    s.send({ type: 'join', room: 'contacts' });
    expect(await s.join('contacts')).toEqual({ type: 'joined', room: 'contacts' });
    expect(s.messages.filter((m) => m.type === 'error')).toEqual([]);
  });

  it('closes with 4401 when the query token is invalid', async () => {
    const s = await open(app, 'sbs_not-a-real-token');
    expect(await s.closed).toEqual({ code: 4401, reason: 'invalid token' });
  });

  it('closes with 4401 when the auth message carries an invalid token', async () => {
    const s = await open(app);
    s.send({ type: 'auth', token: 'sbk_nope' });
    expect((await s.closed).code).toBe(4401);
  });

  it('refuses room messages before authentication', async () => {
    const s = await open(app);
    s.send({ type: 'join', room: 'contacts' });
    expect(await s.waitForType('error')).toMatchObject({ code: 'unauthorized' });
  });

  it('closes a socket that does not authenticate within the timeout', async () => {
    const s = await open(quick);
    expect(await s.closed).toEqual({ code: 4401, reason: 'authentication required' });
  });
});

describe('realtime rooms', () => {
  it('lets a role with read access to contacts join the contacts room', async () => {
    const { token } = await app.userWithRole('readonly');
    const s = await open(app, token);
    expect(await s.join('contacts')).toEqual({ type: 'joined', room: 'contacts' });
  });

  it('lets a client join the room of one import', async () => {
    const { token } = await app.userWithRole('marketing');
    const s = await open(app, token);
    expect(await s.join('import:0b5c7d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e')).toMatchObject({ type: 'joined' });
  });

  it('answers forbidden when the role lacks the permission that guards the room', async () => {
    const { token } = await quick.userWithRole('agent');
    const s = await open(quick, token);
    expect(await s.join('audit')).toMatchObject({ type: 'error', code: 'forbidden', room: 'audit' });
    const admin = await open(quick, (await quick.userWithRole('admin')).token);
    expect(await admin.join('audit')).toEqual({ type: 'joined', room: 'audit' });
  });

  it.each(['nope', 'contacts:extra', 'constructor', '__proto__'])(
    'answers unknown_room for the room %j',
    async (room) => {
      const { token } = await app.userWithRole('owner');
      const s = await open(app, token);
      expect(await s.join(room)).toMatchObject({ type: 'error', code: 'unknown_room', room });
      // The socket still works afterwards.
      expect(await s.join('contacts')).toMatchObject({ type: 'joined' });
    },
  );

  it('answers bad_message for non-JSON and unknown message types', async () => {
    const { token } = await app.userWithRole('agent');
    const s = await open(app, token);
    s.ws.send('not json');
    s.send({ type: 'dance' });
    await s.waitFor(() => s.messages.filter((m) => m.code === 'bad_message').length === 2);
  });
});

describe('realtime events', () => {
  it('delivers contact.created to a socket in the contacts room and not to one outside it', async () => {
    const { token } = await app.userWithRole('agent');
    const member = await open(app, token);
    const outsider = await open(app, token);
    await member.join('contacts');
    await outsider.waitForType('ready');

    const res = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: bearer(token),
      payload: { name: 'Realtime Rita', email: 'rita@example.com' },
    });
    expect(res.statusCode).toBe(201);
    const event = await member.waitFor((m) => m.type === 'event' && m.event === 'contact.created');
    expect(event).toMatchObject({
      room: 'contacts',
      data: { contact: { id: res.json().id, name: 'Realtime Rita' } },
    });
    await outsider.flush();
    expect(outsider.events('contact.created')).toEqual([]);
  });

  it('delivers an event raised by another process on the same database', async () => {
    const { token } = await app.userWithRole('agent');
    const onQuick = await open(quick, token);
    await onQuick.join('contacts');
    const res = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: bearer(token),
      payload: { name: 'Cross Process' },
    });
    const event = await onQuick.waitFor(
      (m) =>
        m.event === 'contact.created' && (m.data as { contact: { id: string } }).contact.id === res.json().id,
    );
    expect(event.room).toBe('contacts');
  });

  it('stops delivering after leave', async () => {
    const { token } = await app.userWithRole('agent');
    const s = await open(app, token);
    await s.join('contacts');
    s.send({ type: 'leave', room: 'contacts' });
    await s.waitForType('left', 'contacts');
    await app.http!.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: bearer(token),
      payload: { name: 'After Leave' },
    });
    // A socket still in the room proves the event went out before we check.
    const witness = await open(app, token);
    await witness.join('contacts');
    await app.http!.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: bearer(token),
      payload: { name: 'Second' },
    });
    await witness.waitFor((m) => m.event === 'contact.created');
    await s.flush();
    expect(s.events('contact.created')).toEqual([]);
  });
});

describe('realtime listener', () => {
  it('reconnects after the database drops its LISTEN connection and delivers again', async () => {
    const { token } = await app.userWithRole('agent');
    const s = await open(app, token);
    await s.join('contacts');
    const admin = new pg.Client({ connectionString: app.databaseUrl });
    await admin.connect();
    try {
      const killed = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
         where application_name = 'switchboard-realtime' and datname = current_database()`,
      );
      expect(killed.rowCount).toBeGreaterThan(0);
      // Publish until one arrives: events raised while the listener is away are lost by design.
      for (let i = 0; ; i++) {
        await admin.query('select pg_notify($1, $2)', [
          REALTIME_CHANNEL,
          JSON.stringify({ room: 'contacts', event: 'contact.deleted', data: { id: `probe-${i}` } }),
        ]);
        const got = await s.waitFor((m) => m.event === 'contact.deleted', 300).catch(() => null);
        if (got) break;
        if (i > 60) throw new Error('listener did not come back');
      }
    } finally {
      await admin.end();
    }
  });
});

describe('realtime heartbeat', () => {
  it('drops a socket that stops answering pings and keeps one that answers', async () => {
    const { token } = await quick.userWithRole('agent');
    const healthy = await open(quick, token);
    // `autoPong: false`: the client never answers pings, like a peer whose network went away.
    const dead = await open(quick, token, { autoPong: false });
    await dead.waitForType('ready');
    await healthy.waitForType('ready');
    const closed = await dead.closed;
    expect(closed.code).toBe(1006); // terminated, no close frame
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    expect(await healthy.join('contacts')).toMatchObject({ type: 'joined' });
  });
});

describe('realtime credential re-check', () => {
  it('closes a socket with 4401 after its session is logged out, and keeps other sessions open', async () => {
    const { token } = await quick.userWithRole('agent');
    const other = await quick.userWithRole('agent');
    const s = await open(quick, token);
    const keep = await open(quick, other.token);
    await s.waitForType('ready');
    await keep.waitForType('ready');
    const logout = await quick.http!.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: bearer(token),
    });
    expect(logout.statusCode).toBe(204);
    expect((await s.closed).code).toBe(4401);
    expect(keep.ws.readyState).toBe(keep.ws.OPEN);
  });

  it('closes a socket authenticated by first message once its API key is revoked', async () => {
    const key = await quick.apiKeyWithRole('readonly');
    const s = await open(quick);
    s.send({ type: 'auth', token: key });
    await s.waitForType('ready');
    const [row] = (await quick.services.apiKeys.list({ limit: 100, includeRevoked: false })).filter((k) =>
      key.startsWith(k.prefix),
    );
    const system = { type: 'system' as const, id: null, name: 'test' };
    await quick.services.apiKeys.revoke(
      { kind: 'api_key', id: 'x', name: 'x', role: 'owner', rateLimitPerMinute: null },
      system,
      row!.id,
    );
    expect((await s.closed).code).toBe(4401);
  });
});
