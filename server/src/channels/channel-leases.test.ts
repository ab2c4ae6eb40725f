import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  ChannelLeases,
  type LeaseConnector,
  type LeaseSession,
  type WantedChannel,
} from './channel-leases.ts';

/** Advisory locks as Postgres keeps them: one owner session per key, all dropped when that session ends. */
class FakeLocks {
  readonly owners = new Map<string, FakeSession>();
  readonly events: string[] = [];
}

class FakeSession implements LeaseSession {
  closed = false;
  constructor(
    private readonly locks: FakeLocks,
    private readonly onLost: (err: Error) => void,
  ) {}
  async tryLock(key: string): Promise<boolean> {
    const owner = this.locks.owners.get(key);
    if (owner && owner !== this) return false;
    this.locks.owners.set(key, this);
    return true;
  }
  async unlock(key: string): Promise<void> {
    if (this.locks.owners.get(key) === this) this.locks.owners.delete(key);
  }
  async close(): Promise<void> {
    this.drop();
    this.closed = true;
  }
  /** The connection broke: the server has already dropped the locks when the client hears of it. */
  break(): void {
    this.drop();
    this.onLost(new Error('terminating connection'));
  }
  private drop(): void {
    for (const [key, owner] of this.locks.owners) if (owner === this) this.locks.owners.delete(key);
  }
}

/** One process: its leases, its sessions, and the loops it ran (each ends when aborted, or when told to). */
function worker(locks: FakeLocks, wanted: () => WantedChannel[]) {
  const sessions: FakeSession[] = [];
  const runs: { id: string; signal: AbortSignal; end: () => void }[] = [];
  let holdAfterAbort: Promise<void> | null = null;
  const connect: LeaseConnector = async (onLost) => {
    locks.events.push('connect');
    const s = new FakeSession(locks, onLost);
    sessions.push(s);
    return s;
  };
  const leases = new ChannelLeases({
    prefix: 'test',
    reconcileMs: 3_600_000, // passes are driven by reconcileNow()
    wanted: async () => wanted(),
    run: async (id, signal) => {
      let end = () => {};
      const ended = new Promise<void>((r) => (end = r));
      runs.push({ id, signal, end });
      signal.addEventListener('abort', end);
      await ended;
      if (signal.aborted && holdAfterAbort) await holdAfterAbort;
      locks.events.push(`ended ${id}`);
    },
    log: pino({ level: 'silent' }),
    messages: { started: 'started', died: 'died', reconcileFailed: 'failed', lost: 'lost' },
    connect,
  });
  return {
    leases,
    sessions,
    runs,
    /** Loops aborted from now on end only when the returned function is called. */
    delayEnds(): () => void {
      let release = () => {};
      holdAfterAbort = new Promise<void>((r) => (release = r));
      return release;
    },
  };
}

const ids = (...list: string[]) => list.map((id) => ({ id }));

describe('ChannelLeases', () => {
  it('runs each wanted channel in one process only, and another takes it over once the holder stops', async () => {
    const locks = new FakeLocks();
    const a = worker(locks, () => ids('c1', 'c2'));
    const b = worker(locks, () => ids('c1', 'c2'));
    await a.leases.start();
    await b.leases.start();
    expect(a.leases.holding.sort()).toEqual(['c1', 'c2']);
    expect(b.leases.holding).toEqual([]);

    await a.leases.stop();
    expect(a.runs.every((r) => r.signal.aborted)).toBe(true);
    expect(a.sessions[0]?.closed).toBe(true);
    await b.leases.reconcileNow();
    expect(b.leases.holding.sort()).toEqual(['c1', 'c2']);
    await b.leases.stop();
  });

  it('stops the loop of a channel no longer wanted and releases its lock', async () => {
    const locks = new FakeLocks();
    let wanted = ids('c1', 'c2');
    const a = worker(locks, () => wanted);
    await a.leases.start();
    wanted = ids('c2');
    await a.leases.reconcileNow();
    expect(a.leases.holding).toEqual(['c2']);
    expect(a.runs.find((r) => r.id === 'c1')?.signal.aborted).toBe(true);
    expect(locks.owners.has('test:c1')).toBe(false);
    expect(locks.owners.has('test:c2')).toBe(true);
    await a.leases.stop();
  });

  it('restarts a loop whose fingerprint changed, and one that ended on its own', async () => {
    const locks = new FakeLocks();
    let wanted: WantedChannel[] = [
      { id: 'c1', fingerprint: 'v1' },
      { id: 'c2', fingerprint: 'v1' },
    ];
    const a = worker(locks, () => wanted);
    await a.leases.start();
    wanted = [
      { id: 'c1', fingerprint: 'v2' },
      { id: 'c2', fingerprint: 'v1' },
    ];
    a.runs.find((r) => r.id === 'c2')?.end();
    await a.leases.reconcileNow();
    expect(a.runs.map((r) => r.id).sort()).toEqual(['c1', 'c1', 'c2', 'c2']);
    expect(a.runs.slice(2).every((r) => !r.signal.aborted)).toBe(true);
    expect(a.leases.holding.sort()).toEqual(['c1', 'c2']);
    await a.leases.stop();
  });

  it('aborts every loop when the lock session breaks, and takes locks on a new one only after they all ended', async () => {
    const locks = new FakeLocks();
    const a = worker(locks, () => ids('c1', 'c2'));
    await a.leases.start();
    const release = a.delayEnds();
    a.sessions[0]?.break();
    expect(a.runs.every((r) => r.signal.aborted)).toBe(true);

    const pass = a.leases.reconcileNow();
    await new Promise((r) => setImmediate(r));
    locks.events.push('loops released');
    release();
    await pass;
    expect(locks.events).toEqual(['connect', 'loops released', 'ended c1', 'ended c2', 'connect']);
    expect(a.leases.holding.sort()).toEqual(['c1', 'c2']);
    expect(locks.owners.get('test:c1')).toBe(a.sessions[1]);
    await a.leases.stop();
  });

  it('counts a failed pass as not done, and the next pass works', async () => {
    const locks = new FakeLocks();
    let fail = true;
    const a = worker(locks, () => {
      if (fail) throw new Error('database down');
      return ids('c1');
    });
    await a.leases.start();
    expect(a.leases.reconciles).toBe(0);
    expect(a.leases.holding).toEqual([]);
    fail = false;
    await a.leases.reconcileNow();
    expect(a.leases.reconciles).toBe(1);
    expect(a.leases.holding).toEqual(['c1']);
    await a.leases.stop();
  });
});
