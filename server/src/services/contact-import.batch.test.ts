import { describe, expect, it } from 'vitest';
import { BatchBuilder, planBatch, type RowMatch } from './contact-import.batch.ts';
import type { ImportRow } from './contact-import.rows.ts';

const row = (line: number, over: Partial<ImportRow> = {}): ImportRow => ({
  line,
  externalId: null,
  name: null,
  firstName: null,
  lastName: null,
  username: null,
  phone: null,
  email: null,
  language: null,
  timezone: null,
  birthday: null,
  tags: null,
  attributes: null,
  telegramId: null,
  ...over,
});

const match = (over: Partial<RowMatch> = {}): RowMatch => ({
  byExternalId: null,
  byEmail: null,
  byPhone: null,
  telegramOwner: null,
  telegramOwnerEligible: true,
  ...over,
});

describe('BatchBuilder', () => {
  it('refuses a row repeating a key already in the batch, and rows past the size', () => {
    const b = new BatchBuilder(3);
    expect(b.add(row(2, { email: 'a@x.io', phone: '+71' }))).toBe(true);
    expect(b.add(row(3, { phone: '+71' }))).toBe(false);
    expect(b.add({ line: 4, reason: 'bad' })).toBe(true);
    expect(b.add(row(5, { email: 'b@x.io' }))).toBe(true);
    expect(b.add(row(6))).toBe(false);
    expect(b.size).toBe(3);
  });
});

describe('BatchBuilder with the previous batch', () => {
  it('refuses rows repeating a key of the previous batch, which is written at the same time', () => {
    const first = new BatchBuilder(10);
    first.add(row(2, { externalId: 'X' }));
    const second = new BatchBuilder(10, first.keys);
    expect(second.add(row(3, { externalId: 'X' }))).toBe(false);
    expect(second.add(row(4, { externalId: 'Y' }))).toBe(true);
  });
});

describe('planBatch', () => {
  it('picks the contact by external id, then email, then phone, then Telegram id', () => {
    const entries = [row(2), row(3), row(4), row(5), row(6)];
    const matches = new Map([
      [0, match({ byExternalId: 'c1', byEmail: 'c9' })],
      [1, match({ byEmail: 'c2', byPhone: 'c9' })],
      [2, match({ byPhone: 'c3' })],
      [3, match({ telegramOwner: 'c4' })],
    ]);
    const plan = planBatch(entries, matches);
    expect(plan.apply.map((p) => p.target)).toEqual(['c1', 'c2', 'c3', 'c4', null]);
    expect(plan.consumed).toBe(5);
  });

  it('rejects a row whose Telegram id belongs to another contact than the one it matched', () => {
    const plan = planBatch(
      [row(2, { email: 'a@x.io', telegramId: '5' })],
      new Map([[0, match({ byEmail: 'c1', telegramOwner: 'c2' })]]),
    );
    expect(plan.apply).toEqual([]);
    expect(plan.rejected[0]!.reason).toMatch(/telegram_id: 5 already belongs to another contact/);
  });

  it('does not merge into the Telegram owner when it holds another external id', () => {
    const plan = planBatch(
      [row(2, { externalId: 'X', telegramId: '5' })],
      new Map([[0, match({ telegramOwner: 'c2', telegramOwnerEligible: false })]]),
    );
    expect(plan.apply).toEqual([]);
    expect(plan.rejected).toHaveLength(1);
  });

  it('stops before a row whose contact the batch being written alongside already updates', () => {
    const plan = planBatch([row(2), row(3)], new Map([[1, match({ byPhone: 'c7' })]]), new Set(['c7']));
    expect(plan.consumed).toBe(1);
    expect(plan.rest).toHaveLength(1);
  });

  it('stops at the first row claiming a contact an earlier row claimed and hands back the rest', () => {
    const entries = [row(2), { line: 3, reason: 'bad' }, row(4), { line: 5, reason: 'bad' }];
    const plan = planBatch(
      entries,
      new Map([
        [0, match({ byEmail: 'c1' })],
        [2, match({ byPhone: 'c1' })],
      ]),
    );
    expect(plan.apply).toHaveLength(1);
    expect(plan.rejected).toEqual([{ line: 3, reason: 'bad' }]);
    expect(plan.consumed).toBe(2);
    expect(plan.rest).toEqual(entries.slice(2));
  });
});
