import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxWorld } from '../inbox-world.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

/** GET /api/v1/conversations/:id/stream: Server-Sent Events of one conversation. */

let app: TestApp;
let world: ReturnType<typeof inboxWorld>;
const streams: SseClient[] = [];

beforeAll(async () => {
  app = await startTestApp({ realtime: { sseKeepAliveMs: 100, sseRecheckMs: 100 } });
  world = inboxWorld(app);
});
afterAll(async () => {
  for (const s of streams) s.close();
  await app?.stop();
});

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** A minimal SSE reader over node:http: collects comments and events as they arrive. */
class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  ended = false;
  body = '';
  private buffer = '';
  private req: http.ClientRequest | null = null;
  private waiters: Array<() => void> = [];

  static async open(path: string, token: string, lastEventId?: string): Promise<SseClient> {
    const c = new SseClient();
    streams.push(c);
    await new Promise<void>((resolve, reject) => {
      const headers = { ...bearer(token), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) };
      c.req = http.get(`${app.address}${path}`, { headers }, (res) => {
        c.status = res.statusCode ?? 0;
        c.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => c.feed(chunk));
        res.on('end', () => {
          c.ended = true;
          c.wake();
        });
        resolve();
      });
      c.req.on('error', reject);
    });
    return c;
  }

  private feed(chunk: string): void {
    this.body += chunk;
    this.buffer += chunk;
    let at = this.buffer.indexOf('\n\n');
    while (at >= 0) {
      const block = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 2);
      const ev: SseEvent = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else {
          const i = line.indexOf(':');
          const field = line.slice(0, i);
          const value = line.slice(i + 1).replace(/^ /, '');
          if (field === 'id' || field === 'event' || field === 'data') ev[field] = value;
        }
      }
      if (ev.event) this.events.push(ev);
      at = this.buffer.indexOf('\n\n');
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  async until<T>(check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`SSE condition not met; got ${this.body.slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.req?.destroy();
  }
}

const data = (e: SseEvent) => JSON.parse(e.data ?? 'null');

describe('conversation stream', () => {
  it('streams this conversation’s events with ids, keeps alive, and leaves other conversations out', async () => {
    const channel = await world.channel();
    const { user, token } = await app.userWithRole('agent');
    await world.channelMember(channel, user.id);
    const mine = await world.conversation(channel);
    const other = await world.conversation(channel);

    const s = await SseClient.open(`/api/v1/conversations/${mine.id}/stream`, token);
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(s.headers['cache-control']).toContain('no-cache');

    await world.message(other.id, 'not for this stream');
    const m = await world.message(mine.id, 'hello');
    await s.until(() => s.events.find((e) => e.event === 'conversation.updated'));
    expect(s.events.map((e) => e.event)).toEqual(['message.created', 'conversation.updated']);
    expect(data(s.events[0]!)).toMatchObject({
      conversationId: mine.id,
      message: { id: m.id, content: 'hello' },
    });
    expect(Date.parse(s.events[0]!.id!)).not.toBeNaN();
    expect(data(s.events[1]!).conversation.id).toBe(mine.id);

    await s.until(() => s.comments.filter((c) => c === 'keep-alive').length >= 2);
    expect(s.events.every((e) => !JSON.stringify(data(e)).includes(other.id))).toBe(true);
  });

  it('checks visibility at connect: an agent cannot stream a conversation outside their share', async () => {
    const channel = await world.channel();
    const { token } = await app.userWithRole('agent');
    const c = await world.conversation(channel);
    const res = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/conversations/${c.id}/stream`,
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it('requires a bearer header (no query token) and an existing conversation', async () => {
    const channel = await world.channel();
    const c = await world.conversation(channel);
    const { token } = await app.userWithRole('admin');
    const anonymous = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/conversations/${c.id}/stream?access_token=${token}`,
    });
    expect(anonymous.statusCode).toBe(401);
    const missing = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/conversations/${crypto.randomUUID()}/stream`,
      headers: bearer(token),
    });
    expect(missing.statusCode).toBe(404);
  });

  it('ends when the session is revoked', async () => {
    const channel = await world.channel();
    const { token } = await app.userWithRole('admin');
    const c = await world.conversation(channel);
    const s = await SseClient.open(`/api/v1/conversations/${c.id}/stream`, token);
    expect(s.status).toBe(200);
    const out = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: bearer(token),
    });
    expect(out.statusCode).toBeLessThan(300);
    await s.until(() => s.ended);
    expect(s.events.at(-1)).toMatchObject({
      event: 'closed',
      data: JSON.stringify({ reason: 'session ended' }),
    });
  });

  it('replays what was missed when resumed with Last-Event-ID, then goes live', async () => {
    const channel = await world.channel();
    const { token } = await app.userWithRole('readonly');
    const c = await world.conversation(channel);
    const first = await SseClient.open(`/api/v1/conversations/${c.id}/stream`, token);
    await world.message(c.id, 'seen live');
    const seenLive = await first.until(() => first.events.find((e) => e.event === 'conversation.updated'));
    first.close();

    const missed = await world.message(c.id, 'while away');
    const resumed = await SseClient.open(`/api/v1/conversations/${c.id}/stream`, token, seenLive.id);
    await world.message(c.id, 'live again');
    await resumed.until(() => resumed.events.some((e) => e.data?.includes('live again')));
    const contents = resumed.events
      .filter((e) => e.event === 'message.created')
      .map((e) => data(e).message.content as string);
    // The replay starts 5 s before the last event (overlap), so it may repeat 'seen live'; it must hold the missed one
    // before the live one, each once.
    expect(contents.filter((x) => x === 'while away')).toHaveLength(1);
    expect(contents.filter((x) => x === 'live again')).toHaveLength(1);
    expect(contents.indexOf('while away')).toBeLessThan(contents.indexOf('live again'));
    expect(data(resumed.events.find((e) => e.data?.includes('while away'))!).message.id).toBe(missed.id);
  });

  it('ends with a reason when the conversation leaves the agent’s view', async () => {
    const channel = await world.channel();
    const { user, token } = await app.userWithRole('agent');
    const other = await app.userWithRole('agent');
    await world.channelMember(channel, user.id);
    const c = await world.conversation(channel);
    const s = await SseClient.open(`/api/v1/conversations/${c.id}/stream`, token);
    await world.assign(c.id, other.user.id);
    await s.until(() => s.ended);
    expect(s.events.map((e) => e.event)).toEqual(['conversation.updated', 'closed']);
    expect(data(s.events[1]!)).toEqual({ reason: 'conversation no longer visible' });
  });
});
