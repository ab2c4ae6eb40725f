import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalendarWorld } from './calendar-world.ts';

/** Inactivity ("no activity for N days") and segment-entry triggers. */

let w: CalendarWorld;
beforeAll(async () => {
  w = await CalendarWorld.start();
});
afterAll(async () => w?.stop());

const DAY = 86_400_000;
const lastActive = (contactId: string, at: string) =>
  sql`update contacts set last_activity_at = ${at}::timestamptz where id = ${contactId}::uuid`.execute(w.db);
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe('inactivity trigger', () => {
  it('starts one run per quiet spell when it reaches N days, and a new one after new activity', async () => {
    const t0 = '2027-04-01T10:00:00.000Z';
    w.setTime(t0);
    const rule = await w.rule({ kind: 'inactivity', days: 30 });
    const quiet = await w.contact();
    const busy = await w.contact();
    const never = await w.contact();
    await lastActive(quiet, t0);
    await lastActive(busy, plus(t0, 20 * DAY));

    await w.passAt(plus(t0, 30 * DAY - 60_000));
    expect(await w.runs(rule)).toEqual([]);
    await w.passAt(plus(t0, 30 * DAY + 60_000));
    await w.passAt(plus(t0, 35 * DAY));
    let runs = await w.runs(rule);
    expect(runs.map((r) => [r.contactId, r.occurrenceKey])).toEqual([
      [quiet, `${quiet}:inactive:${t0.replace('.000Z', '.000000Z')}`],
    ]);
    expect(runs[0]!.context).toMatchObject({ trigger: 'inactivity', days: 30 });

    // The quiet contact comes back on day 36 and goes quiet again: a second spell, a second run 30 days later.
    const t1 = plus(t0, 36 * DAY);
    await lastActive(quiet, t1);
    await w.passAt(plus(t0, 50 * DAY + 60_000));
    await w.passAt(plus(t1, 29 * DAY));
    await w.passAt(plus(t1, 30 * DAY + 60_000));
    runs = await w.runs(rule);
    expect(runs.filter((r) => r.contactId === quiet)).toHaveLength(2);
    // busy went quiet on day 20 and reached 30 days on day 50; never-active contacts never count.
    expect(runs.filter((r) => r.contactId === busy)).toHaveLength(1);
    expect(runs.some((r) => r.contactId === never)).toBe(false);
    expect(await w.stepJobs(rule)).toBe(3);
  });
});

describe('segment entry trigger', () => {
  it('starts runs for contacts who join after the first look, once per entry', async () => {
    w.setTime('2027-09-01T08:00:00Z');
    const { rows } = await sql<{ id: string }>`insert into segments (name, filter)
      values ('VIP', ${JSON.stringify({ op: 'and', conditions: [{ type: 'field', field: 'tags', op: 'has_any', value: ['vip'] }] })}::jsonb)
      returning id`.execute(w.db);
    const segmentId = rows[0]!.id;
    const already = await w.contact({ tags: ['vip'] });
    const joiner = await w.contact();
    const rule = await w.rule({ kind: 'segment_entered', segmentId });
    const tag = (id: string, tags: string[]) =>
      sql`update contacts set tags = ${tags}::text[] where id = ${id}::uuid`.execute(w.db);

    // The first pass is the baseline: members already in the segment have not "entered" it.
    await w.calendar.segmentPass();
    expect(await w.runs(rule)).toEqual([]);

    await tag(joiner, ['vip']);
    w.setTime('2027-09-01T08:05:00Z');
    const summary = await w.calendar.segmentPass();
    expect(summary.rules.find((r) => r.automationId === rule)).toMatchObject({ started: 1 });
    w.setTime('2027-09-01T08:10:00Z');
    await w.calendar.segmentPass();
    expect((await w.runs(rule)).map((r) => [r.contactId, r.occurrenceKey])).toEqual([
      [joiner, `${joiner}:segment:${segmentId}:2027-09-01`],
    ]);

    // Leaving and coming back on another day is a new entry.
    await tag(joiner, []);
    w.setTime('2027-09-02T08:00:00Z');
    await w.calendar.segmentPass();
    await tag(joiner, ['vip']);
    w.setTime('2027-09-03T08:00:00Z');
    await w.calendar.segmentPass();
    const runs = await w.runs(rule);
    expect(runs.map((r) => r.occurrenceKey)).toEqual([
      `${joiner}:segment:${segmentId}:2027-09-01`,
      `${joiner}:segment:${segmentId}:2027-09-03`,
    ]);
    expect(runs.some((r) => r.contactId === already)).toBe(false);
    expect(await w.stepJobs(rule)).toBe(2);
  });
});
