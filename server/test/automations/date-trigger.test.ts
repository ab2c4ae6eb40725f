import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalendarWorld } from './calendar-world.ts';

/** Date-attribute triggers: birthdays and date custom attributes, in each contact's own time zone. */

let w: CalendarWorld;
beforeAll(async () => {
  w = await CalendarWorld.start();
});
afterAll(async () => w?.stop());

const byContact = async (rule: string) =>
  Object.fromEntries((await w.runs(rule)).map((r) => [r.contactId, r.occurrenceKey]));

describe('birthday trigger', () => {
  it('greets at 09:00 local in three time zones across midnight, and on 28 February for 29 February outside leap years', async () => {
    w.setTime('2027-02-27T00:00:00Z');
    const rule = await w.rule({
      kind: 'date_attribute',
      attribute: 'birthday',
      offsetDays: 0,
      atLocalTime: '09:00',
    });
    // 1 March 2027 09:00 local: Auckland (UTC+13) = 28 Feb 20:00 UTC, Moscow (UTC+3) = 1 Mar 06:00 UTC, Los Angeles
    // (UTC-8) = 1 Mar 17:00 UTC. The leap-day contact is in Moscow: 28 Feb 2027 09:00 = 28 Feb 06:00 UTC.
    const auckland = await w.contact({ timezone: 'Pacific/Auckland', birthday: '1990-03-01' });
    const moscow = await w.contact({ timezone: 'Europe/Moscow', birthday: '1985-03-01' });
    const la = await w.contact({ timezone: 'America/Los_Angeles', birthday: '1992-03-01' });
    const leap = await w.contact({ timezone: 'Europe/Moscow', birthday: '1996-02-29' });
    // No time zone: the workspace's (Europe/Moscow here), like the leap-day contact but on 1 March.
    const noZone = await w.contact({ birthday: '2001-03-01' });
    const other = await w.contact({ timezone: 'Europe/Moscow', birthday: '1990-06-15' });

    const steps: Array<[string, string[]]> = [
      ['2027-02-27T12:00:00Z', []],
      ['2027-02-28T05:59:00Z', []],
      ['2027-02-28T06:00:30Z', [leap]],
      ['2027-02-28T19:59:00Z', []],
      ['2027-02-28T20:00:30Z', [auckland]],
      ['2027-03-01T05:59:00Z', []],
      ['2027-03-01T06:01:00Z', [moscow, noZone]],
      ['2027-03-01T16:59:00Z', []],
      ['2027-03-01T17:00:30Z', [la]],
      ['2027-03-02T12:00:00Z', []],
    ];
    for (const [at, expected] of steps) {
      const before = new Set(Object.keys(await byContact(rule)));
      await w.passAt(at);
      const added = Object.keys(await byContact(rule)).filter((c) => !before.has(c));
      expect(added.sort(), at).toEqual([...expected].sort());
    }
    const keys = await byContact(rule);
    for (const c of [auckland, moscow, la, leap, noZone]) expect(keys[c]).toBe(`${c}:birthday:2027`);
    expect(keys[other]).toBeUndefined();
    const runs = await w.runs(rule);
    expect(runs.find((r) => r.contactId === leap)?.context).toMatchObject({
      date: '2027-02-28',
      timezone: 'Europe/Moscow',
    });
    expect(runs.find((r) => r.contactId === auckland)?.context).toMatchObject({ date: '2027-03-01' });

    // 2028 is a leap year: the 29th itself, and once more for everyone a year later.
    await w.passAt('2028-02-28T07:00:00Z');
    expect((await byContact(rule))[leap]).toBe(`${leap}:birthday:2027`);
    await w.passAt('2028-02-29T06:00:30Z');
    const leapRuns = (await w.runs(rule)).filter((r) => r.contactId === leap);
    expect(leapRuns.map((r) => r.occurrenceKey)).toEqual([`${leap}:birthday:2027`, `${leap}:birthday:2028`]);
    expect(leapRuns[1]!.context).toMatchObject({ date: '2028-02-29' });
    expect(await w.stepJobs(rule)).toBe((await w.runs(rule)).length);
  });

  it('starts each birthday exactly once when two passes race over the same window', async () => {
    w.setTime('2027-07-02T00:00:00Z');
    const rule = await w.rule({
      kind: 'date_attribute',
      attribute: 'birthday',
      offsetDays: 0,
      atLocalTime: '10:00',
    });
    const zones = ['Europe/Berlin', 'Asia/Tokyo', 'America/New_York', null];
    const contacts: string[] = [];
    for (let i = 0; i < 40; i++)
      contacts.push(await w.contact({ timezone: zones[i % zones.length], birthday: '1980-07-04' }));
    // 4 July 2027 12:00 UTC: 10:00 local has passed in Tokyo, Berlin and Moscow, not yet in New York (14:00 UTC).
    await w.passAt('2027-07-03T00:00:00Z');
    w.setTime('2027-07-04T12:00:00Z');
    const results = await Promise.all([w.calendar.pass(), w.calendar.pass(), w.calendar.pass()]);
    const started = results
      .flatMap((r) => r.rules)
      .filter((r) => r.automationId === rule)
      .reduce((n, r) => n + r.started, 0);
    const runs = await w.runs(rule);
    expect(runs).toHaveLength(30);
    expect(started).toBe(30);
    expect(new Set(runs.map((r) => r.contactId)).size).toBe(30);
    expect(await w.stepJobs(rule)).toBe(30);
  });
});

describe('date custom attribute trigger', () => {
  it('fires offsetDays before the date at the local time, once per date value', async () => {
    w.setTime('2027-03-06T00:00:00Z');
    const rule = await w.rule({
      kind: 'date_attribute',
      attribute: 'renewal',
      offsetDays: -3,
      atLocalTime: '10:00',
    });
    // 10 March 2027 minus 3 days at 10:00 Berlin (UTC+1) = 7 March 09:00 UTC.
    const c = await w.contact({ timezone: 'Europe/Berlin', attributes: { renewal: '2027-03-10' } });
    const notADate = await w.contact({ timezone: 'Europe/Berlin', attributes: { renewal: 'soon' } });
    await w.passAt('2027-03-06T12:00:00Z');
    await w.passAt('2027-03-07T08:59:00Z');
    expect(await w.runs(rule)).toEqual([]);
    await w.passAt('2027-03-07T09:00:30Z');
    await w.passAt('2027-03-07T12:00:00Z');
    const runs = await w.runs(rule);
    expect(runs.map((r) => [r.contactId, r.occurrenceKey])).toEqual([[c, `${c}:renewal:2027-03-10`]]);
    expect(runs.some((r) => r.contactId === notADate)).toBe(false);
  });
});
