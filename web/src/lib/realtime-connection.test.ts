import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeConnection, type RealtimeEvent, type RealtimeStatus } from './realtime-connection.ts';

/** A stand-in for the browser's WebSocket: records what the client sends, lets the test play the server. */
class FakeSocket {
  static all: FakeSocket[] = [];
  sent: Record<string, unknown>[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.onclose?.();
  }
  serverSays(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

const listeners = () => ({ addEventListener: () => {}, removeEventListener: () => {} });

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('window', listeners());
  vi.stubGlobal('document', listeners());
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function connect() {
  const log: string[] = [];
  const events: RealtimeEvent[] = [];
  const statuses: RealtimeStatus[] = [];
  const connection = new RealtimeConnection('ws://host/api/v1/realtime', 'sbs_token', ['conversations'], {
    onEvent: (e) => events.push(e),
    onStatus: (s) => statuses.push(s),
    onResumed: () =>
      log.push(`resumed after ${JSON.stringify(FakeSocket.all.at(-1)!.sent.map((m) => m.type))}`),
  });
  connection.start();
  return { connection, log, events, statuses };
}

describe('realtime connection', () => {
  it('authenticates with a first message, never in the URL, then joins its rooms', () => {
    connect();
    const socket = FakeSocket.all[0]!;
    expect(socket.url).toBe('ws://host/api/v1/realtime');
    socket.onopen?.();
    expect(socket.sent).toEqual([{ type: 'auth', token: 'sbs_token' }]);
    socket.serverSays({ type: 'ready', role: 'agent' });
    expect(socket.sent[1]).toEqual({ type: 'join', room: 'conversations' });
  });

  it('passes events on with their room, name, data and time', () => {
    const { events } = connect();
    const socket = FakeSocket.all[0]!;
    socket.onopen?.();
    socket.serverSays({ type: 'ready' });
    socket.serverSays({
      type: 'event',
      room: 'conversations',
      event: 'message.created',
      data: { x: 1 },
      at: 't1',
    });
    socket.serverSays({ type: 'pong' });
    expect(events).toEqual([{ room: 'conversations', event: 'message.created', data: { x: 1 }, at: 't1' }]);
  });

  it('reconnects after a drop, joins again, and only then asks for the catch-up', () => {
    const { log, statuses } = connect();
    const first = FakeSocket.all[0]!;
    first.onopen?.();
    first.serverSays({ type: 'ready' });
    expect(log).toEqual([]);
    first.close();
    expect(statuses.at(-1)).toBe('reconnecting');
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.all).toHaveLength(2);
    const second = FakeSocket.all[1]!;
    second.onopen?.();
    second.serverSays({ type: 'ready' });
    expect(log).toEqual(['resumed after ["auth","join"]']);
    expect(statuses.at(-1)).toBe('live');
  });

  it('backs off while the server stays away, and stops for good when stopped', () => {
    const { connection } = connect();
    FakeSocket.all[0]!.close();
    vi.advanceTimersByTime(1000);
    FakeSocket.all[1]!.close();
    vi.advanceTimersByTime(1999);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(3);
    connection.stop();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(3);
  });
});
