import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalendarWorld } from './calendar-world.ts';

/** Schedule triggers: a cron expression in the rule's time zone, evaluated by the per-minute pass. */

let w: CalendarWorld;
beforeAll(async () => {
  w = await CalendarWorld.start();
});
afterAll(async () => w?.stop());

/** Passes every `stepMinutes` from `from` to `to`, like the cron job (coarser, to keep the test quick). */
async function passEvery(stepMinutes: number, from: string, to: string) {
  for (let t = Date.parse(from); t <= Date.parse(to); t += stepMinutes * 60_000)
    await w.passAt(new Date(t).toISOString());
}

describe('schedule trigger', () => {
  it('fires at 09:00 New York time on both sides of the spring-forward change, once per day', async () => {
    w.setTime('2027-03-12T16:00:00Z');
    const rule = await w.rule({ kind: 'schedule', cron: '0 9 * * *', timezone: 'America/New_York' }, [
      { type: 'support_report' },
    ]);
    // 14 March 2027 02:00 EST → 03:00 EDT: 09:00 local is 14:00 UTC on the 13th and 13:00 UTC on the 14th.
    await passEvery(20, '2027-03-12T16:00:00Z', '2027-03-15T00:00:00Z');
    const runs = await w.runs(rule);
    expect(runs.map((r) => [r.contactId, r.occurrenceKey, r.context.at])).toEqual([
      [null, 'schedule:2027-03-13T09:00', '2027-03-13T14:00:00.000Z'],
      [null, 'schedule:2027-03-14T09:00', '2027-03-14T13:00:00.000Z'],
    ]);
    expect(await w.stepJobs(rule)).toBe(2);
  });

  it('fires a time repeated by the fall-back change once (Europe/Berlin)', async () => {
    w.setTime('2027-10-30T22:00:00Z');
    const rule = await w.rule({ kind: 'schedule', cron: '30 2 * * *', timezone: 'Europe/Berlin' }, [
      { type: 'retention_cleanup' },
    ]);
    // 31 October 2027 03:00 CEST → 02:00 CET: 02:30 happens at 00:30 UTC and again at 01:30 UTC.
    await passEvery(15, '2027-10-30T22:00:00Z', '2027-10-31T03:00:00Z');
    expect((await w.runs(rule)).map((r) => [r.occurrenceKey, r.context.at])).toEqual([
      ['schedule:2027-10-31T02:30', '2027-10-31T00:30:00.000Z'],
    ]);
  });

  it('starts one run per segment member, and coalesces ticks missed during an outage into the latest', async () => {
    const { rows } = await sql<{ id: string }>`insert into segments (name, filter)
      values ('Newsletter readers', ${JSON.stringify({ op: 'and', conditions: [{ type: 'field', field: 'tags', op: 'has_any', value: ['news'] }] })}::jsonb)
      returning id`.execute(w.db);
    const segmentId = rows[0]!.id;
    const a = await w.contact({ tags: ['news'] });
    const b = await w.contact({ tags: ['news'] });
    await w.contact({ tags: ['other'] });
    w.setTime('2027-05-03T09:30:00Z');
    const rule = await w.rule({ kind: 'schedule', cron: '0 * * * *', timezone: 'UTC', segmentId });
    await w.passAt('2027-05-03T09:59:00Z');
    // Down from 09:59 to 12:30: the 10:00, 11:00 and 12:00 ticks were missed; the pass fires 12:00 only.
    await w.passAt('2027-05-03T12:30:00Z');
    const runs = await w.runs(rule);
    expect(runs.map((r) => [r.contactId, r.occurrenceKey]).sort()).toEqual(
      [
        [a, `${a}:schedule:2027-05-03T12:00`],
        [b, `${b}:schedule:2027-05-03T12:00`],
      ].sort(),
    );
    expect(runs[0]!.context).toMatchObject({ trigger: 'schedule', segmentId, tick: '2027-05-03T12:00' });
  });

  it('keeps passing the other rules when one has a broken schedule', async () => {
    w.setTime('2027-06-01T07:00:00Z');
    const broken = await w.rule({ kind: 'schedule', cron: '0 9 * * *', timezone: 'Mars/Olympus' });
    const fine = await w.rule({ kind: 'schedule', cron: '15 8 * * *', timezone: 'UTC' });
    await w.passAt('2027-06-01T08:00:00Z');
    const summary = await w.passAt('2027-06-01T08:16:00Z');
    expect(summary.rules.find((r) => r.automationId === broken)?.error).toMatch(/time zone|Olympus/i);
    expect(summary.rules.find((r) => r.automationId === fine)).toMatchObject({ started: 1 });
  });
});
