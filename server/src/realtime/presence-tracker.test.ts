import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../services/auth.service.ts';
import { PresenceTracker } from './presence-tracker.ts';

const user = (id: string): Principal => ({
  kind: 'user',
  id,
  name: id,
  role: 'agent',
  rateLimitPerMinute: null,
});

/** Records what the tracker writes. */
function fakeSink() {
  const writes: Array<[string, number]> = [];
  return {
    writes,
    removed: [] as string[],
    async connectionsChanged(userId: string, _process: string, n: number) {
      writes.push([userId, n]);
    },
    async heartbeat() {},
    async removeProcess(processId: string) {
      this.removed.push(processId);
    },
  };
}

describe('PresenceTracker', () => {
  it('counts sockets per user and writes the count as it stands when the write runs', async () => {
    const sink = fakeSink();
    const t = new PresenceTracker(sink, pino({ level: 'silent' }));
    const [s1, s2, s3] = [{}, {}, {}];
    t.opened(s1, user('anna'));
    t.opened(s2, user('anna'));
    t.opened(s3, user('boris'));
    await t.settled();
    expect(sink.writes.at(-1)).toEqual(['boris', 1]);
    expect(sink.writes.filter(([u]) => u === 'anna').at(-1)).toEqual(['anna', 2]);
    t.closed(s1);
    await t.settled();
    expect(sink.writes.at(-1)).toEqual(['anna', 1]);
    t.closed(s2);
    await t.settled();
    expect(sink.writes.at(-1)).toEqual(['anna', 0]);
  });

  it('counts a socket once however often it authenticates, ignores API keys and unknown sockets', async () => {
    const sink = fakeSink();
    const t = new PresenceTracker(sink, pino({ level: 'silent' }));
    const s = {};
    t.opened(s, user('anna'));
    t.opened(s, user('anna'));
    t.opened({}, { ...user('key'), kind: 'api_key' });
    t.closed({});
    await t.settled();
    expect(sink.writes.filter(([u]) => u === 'anna').at(-1)).toEqual(['anna', 1]);
    expect(sink.writes.some(([u]) => u === 'key')).toBe(false);
    t.closed(s);
    t.closed(s);
    await t.settled();
    expect(sink.writes.at(-1)).toEqual(['anna', 0]);
  });

  it('keeps going after a failed write and removes its rows on stop', async () => {
    const sink = fakeSink();
    let fail = true;
    const t = new PresenceTracker(
      {
        ...sink,
        removeProcess: (id) => sink.removeProcess(id),
        connectionsChanged: async (u, p, n) => {
          if (fail) {
            fail = false;
            throw new Error('database away');
          }
          await sink.connectionsChanged(u, p, n);
        },
      },
      pino({ level: 'silent' }),
    );
    t.opened({}, user('anna'));
    t.opened({}, user('boris'));
    await t.settled();
    expect(sink.writes).toEqual([['boris', 1]]);
    await t.stop();
    expect(sink.removed).toEqual([t.processId]);
  });
});
