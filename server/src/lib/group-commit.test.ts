import { describe, expect, it } from 'vitest';
import { GroupCommitWriter } from './group-commit.ts';

describe('GroupCommitWriter', () => {
  it('writes what arrives together in one call, and what arrives during a write in the next', async () => {
    const calls: number[][] = [];
    let release: () => void = () => undefined;
    const w = new GroupCommitWriter<number>(
      async (batch) => {
        calls.push(batch);
        if (calls.length === 1) await new Promise<void>((r) => (release = r));
      },
      { maxPerFlush: 100, gatherMs: 0 },
    );
    const first = [1, 2, 3].map((n) => w.add(n));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const second = [4, 5].map((n) => w.add(n));
    expect(w.backlog).toBe(5);
    release();
    await Promise.all([...first, ...second]);
    expect(calls).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(w.backlog).toBe(0);
  });

  it('splits at maxPerFlush', async () => {
    const calls: number[][] = [];
    const w = new GroupCommitWriter<number>(async (b) => void calls.push(b), { maxPerFlush: 2, gatherMs: 0 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => w.add(n)));
    expect(calls).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects the items of a failed write, keeps the first error, and goes on with later items', async () => {
    let fail = true;
    const w = new GroupCommitWriter<number>(
      async () => {
        if (fail) throw new Error('database gone');
      },
      { maxPerFlush: 10, gatherMs: 0 },
    );
    const lost = w.add(1);
    await expect(lost).rejects.toThrow('database gone');
    fail = false;
    await expect(w.add(2)).resolves.toBeUndefined();
    await w.drained();
    expect((w.error as Error).message).toBe('database gone');
  });
});
