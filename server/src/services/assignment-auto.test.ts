import { describe, expect, it } from 'vitest';
import type { AutoAssignCandidate } from '../repositories/assignments.repository.ts';
import { capacityOf, pickAgent } from './assignment-auto.ts';
import { DEFAULT_INBOX_SETTINGS } from './inbox-settings.ts';

const settings = { ...DEFAULT_INBOX_SETTINGS.autoAssign, enabled: true };
const agent = (userId: string, extra: Partial<AutoAssignCandidate> = {}): AutoAssignCandidate => ({
  userId,
  displayName: userId,
  capacity: null,
  activeCount: 0,
  recentAutomatic: 0,
  lastAutomaticAt: null,
  teamIds: [],
  ...extra,
});
const open = { teamId: null };

describe('pickAgent', () => {
  it('picks whoever was auto-assigned longest ago, never-assigned first, ties by user id', () => {
    const a = agent('a', { lastAutomaticAt: new Date(2000) });
    const b = agent('b', { lastAutomaticAt: new Date(1000) });
    expect(pickAgent([a, b], open, settings)?.userId).toBe('b');
    expect(pickAgent([a, b, agent('d'), agent('c')], open, settings)?.userId).toBe('c');
  });

  it('skips agents at their capacity, else at the channel default', () => {
    const full = agent('a', { capacity: 2, activeCount: 2 });
    const roomy = agent('b', { capacity: 5, activeCount: 3 });
    expect(pickAgent([full, roomy], open, { ...settings, maxPerAgent: 3 })?.userId).toBe('b');
    expect(pickAgent([agent('c', { activeCount: 3 })], open, { ...settings, maxPerAgent: 3 })).toBeNull();
    expect(capacityOf(agent('d', { capacity: 0 }), { ...settings, maxPerAgent: 3 })).toBe(0);
    expect(capacityOf(agent('e'), settings)).toBeNull();
  });

  it('skips agents at the fair limit', () => {
    const s = { ...settings, fairLimit: { count: 2, windowMinutes: 60 } };
    expect(
      pickAgent([agent('a', { recentAutomatic: 2 }), agent('b', { recentAutomatic: 1 })], open, s)?.userId,
    ).toBe('b');
    expect(pickAgent([agent('a', { recentAutomatic: 2 })], open, s)).toBeNull();
  });

  it("gives a team's conversation only to its members", () => {
    const candidates = [agent('a'), agent('b', { teamIds: ['t1'] })];
    expect(pickAgent(candidates, { teamId: 't1' }, settings)?.userId).toBe('b');
    expect(pickAgent(candidates, { teamId: 't2' }, settings)).toBeNull();
  });
});
