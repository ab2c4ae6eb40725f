import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_RULES } from '../../src/services/automations/builtins.ts';
import {
  dailySupportFigures,
  supportReportAction,
  supportReportText,
} from '../../src/services/automations/support-report.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

/** The built-in rules as seeded (migration 0024), enabling them through the API, and the daily support report. */

let app: TestApp;
let token: string;
const clock = new FakeClock();
beforeAll(async () => {
  app = await startTestApp({ role: 'api', clock });
  token = await app.apiKeyWithRole('admin');
});
afterAll(async () => app?.stop());

const db = () => app.services.ctx.db;
const builtin = async (key: string) =>
  (
    await sql<{
      id: string;
      name: string;
      enabled: boolean;
      trigger: Record<string, unknown>;
      actions: Array<Record<string, unknown>>;
    }>`
      select id, name, enabled, trigger, actions from automations where builtin_key = ${key}`.execute(db())
  ).rows[0]!;
const patch = (id: string, body: object) =>
  app.http!.inject({
    method: 'PATCH',
    url: `/api/v1/automations/${id}`,
    headers: bearer(token),
    payload: body,
  });

describe('built-in rules', () => {
  it('are all seeded disabled, named in Russian and English, with their notification types in both languages', async () => {
    for (const key of BUILTIN_RULES) {
      const rule = await builtin(key);
      expect(rule.enabled, key).toBe(false);
      expect(rule.name, key).toMatch(/[а-я].* \/ [A-Za-z]/);
    }
    expect((await builtin('birthday')).trigger).toEqual({
      kind: 'date_attribute',
      attribute: 'birthday',
      offsetDays: 0,
      atLocalTime: '09:00',
    });
    const campaign = (
      await sql<{ id: string }>`select id from coupon_campaigns where builtin_key = 'birthday'`.execute(db())
    ).rows[0]!;
    expect((await builtin('birthday')).actions[0]).toMatchObject({
      type: 'issue_coupon',
      campaignId: campaign.id,
    });
    const { rows } = await sql<{ key: string; ru: string; en: string }>`
      select nt.key, t.variants ->> 'ru' as ru, t.variants ->> 'en' as en
      from notification_types nt join templates t on t.id = nt.telegram_template_id
      where nt.key in ('birthday_greeting', 'winback', 'cart_reminder') order by nt.key`.execute(db());
    expect(rows.map((r) => r.key)).toEqual(['birthday_greeting', 'cart_reminder', 'winback']);
    for (const r of rows) {
      expect(r.ru, r.key).toMatch(/[а-я]/);
      expect(r.en, r.key).not.toMatch(/[а-я]/);
    }
  });

  it('render their notification templates with the sample data in both languages', async () => {
    for (const key of ['birthday_greeting', 'winback', 'cart_reminder'])
      for (const kind of ['telegram', 'email'])
        for (const language of ['ru', 'en']) {
          const out = JSON.stringify(await app.services.templates.preview(`${key}.${kind}`, { language }));
          if (key === 'birthday_greeting') expect(out, `${key}.${kind} ${language}`).toContain('K7PX-M3QR');
          if (key === 'cart_reminder' && kind === 'email')
            expect(out).toContain('https://example.com/cart/C-1042');
          expect(out, `${key}.${kind} ${language}`).toMatch(language === 'ru' ? /[а-я]/ : /[a-z]/);
        }
  });

  it('enable with PATCH enabled; the newsletter first asks for its template, segment and channel', async () => {
    for (const key of ['birthday', 'winback', 'abandoned_cart', 'support_report', 'retention_cleanup']) {
      const res = await patch((await builtin(key)).id, { enabled: true });
      expect(res.statusCode, `${key}: ${res.body}`).toBe(200);
      expect((await builtin(key)).enabled).toBe(true);
    }
    const newsletter = await builtin('weekly_newsletter');
    const refused = await patch(newsletter.id, { enabled: true });
    expect(refused.statusCode).toBe(400);
    const paths = (refused.json().error.details as Array<{ path: string }>).map((d) => d.path).sort();
    expect(paths).toEqual(['actions[0].channelId', 'actions[0].segmentId', 'actions[0].templateId']);
    const ids = {
      templateId: crypto.randomUUID(),
      segmentId: crypto.randomUUID(),
      channelId: crypto.randomUUID(),
    };
    const ok = await patch(newsletter.id, { enabled: true, actions: [{ type: 'send_broadcast', ...ids }] });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await builtin('weekly_newsletter')).trigger).toMatchObject({
      kind: 'schedule',
      cron: '0 10 * * 1',
    });
  });
});

describe('the birthday rule end to end', () => {
  it('issues a Birthday coupon and sends the greeting with its code, once, at 09:00 local', async () => {
    const rule = await builtin('birthday');
    expect((await patch(rule.id, { enabled: true })).statusCode).toBe(200);
    clock.advance(Date.parse('2027-05-19T00:00:00Z') - clock.now().getTime());
    const contact = (
      await sql<{ id: string }>`insert into contacts (first_name, language, timezone, birthday)
        values ('Vera', 'ru', 'Asia/Yekaterinburg', '1990-05-20') returning id`.execute(db())
    ).rows[0]!.id;
    const calendar = app.services.automationCalendar;
    // Rules enabled above have updated_at = real time: the first pass looks back a day from the fake clock.
    await calendar.pass();
    // 20 May 09:00 in Yekaterinburg (UTC+5) = 04:00 UTC.
    clock.advance(Date.parse('2027-05-20T03:59:00Z') - clock.now().getTime());
    await calendar.pass();
    clock.advance(Date.parse('2027-05-20T04:00:30Z') - clock.now().getTime());
    await calendar.pass();
    await calendar.pass();
    const runs = (
      await sql<{
        id: number;
        occurrenceKey: string;
      }>`select id, occurrence_key as "occurrenceKey" from automation_runs
        where automation_id = ${rule.id}::uuid and contact_id = ${contact}::uuid`.execute(db())
    ).rows;
    expect(runs.map((r) => r.occurrenceKey)).toEqual([`${contact}:birthday:2027`]);

    // The step job, as the worker would run it.
    await app.services.automations.advance(String(runs[0]!.id));
    const run = (
      await sql<{ status: string; error: string | null; context: { coupon?: { code: string } } }>`
        select status, error, context from automation_runs where id = ${runs[0]!.id}`.execute(db())
    ).rows[0]!;
    expect(run.error).toBeNull();
    expect(run.status).toBe('completed');
    const code = run.context.coupon?.code;
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const sent = (
      await sql<{
        typeKey: string;
        data: { coupon: { code: string } };
      }>`select type_key as "typeKey", data from notifications
        where contact_id = ${contact}::uuid`.execute(db())
    ).rows;
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ typeKey: 'birthday_greeting', data: { coupon: { code } } });
  });
});

describe('daily support report', () => {
  it("sums up yesterday in the workspace's time zone and what waits now, in Russian and English", async () => {
    await app.services.ctx.repos.settings.set('default_timezone', 'Europe/Moscow', null);
    const channel = (
      await sql<{
        id: string;
      }>`insert into channels (type, name) values ('telegram', 'Bot') returning id`.execute(db())
    ).rows[0]!.id;
    const conversation = (o: { created: string; reply?: string; resolved?: string; waiting?: string }) =>
      sql`insert into conversations (channel_id, chat_external_id, chat_kind, status, created_at, first_reply_at, resolved_at, waiting_since)
        values (${channel}::uuid, ${crypto.randomUUID()}, 'private', ${o.resolved ? 'resolved' : 'open'}, ${o.created}::timestamptz,
          ${o.reply ?? null}::timestamptz, ${o.resolved ?? null}::timestamptz, ${o.waiting ?? null}::timestamptz)`.execute(
        db(),
      );
    // 15 January 2027 10:00 in Moscow: yesterday is the 14th, 13 Jan 21:00 UTC to 14 Jan 21:00 UTC.
    await conversation({
      created: '2027-01-14T08:00:00Z',
      reply: '2027-01-14T08:10:00Z',
      resolved: '2027-01-14T09:30:00Z',
    });
    await conversation({ created: '2027-01-13T20:30:00Z' }); // 23:30 on the 13th in Moscow: the day before
    await conversation({ created: '2027-01-15T06:00:00Z', waiting: '2027-01-15T06:00:00Z' });
    clock.advance(Date.parse('2027-01-15T07:00:00Z') - clock.now().getTime());

    const report = await dailySupportFigures(app.services.ctx.repos, clock.now());
    expect(report).toMatchObject({
      day: '2027-01-14',
      timezone: 'Europe/Moscow',
      unansweredNow: 1,
      figures: { conversationsOpened: 1, conversationsResolved: 1 },
    });
    expect(supportReportText(report, 'ru')).toBe(
      [
        'Поддержка за 14.01.2027',
        '',
        'Новых обращений: 1',
        'Решено: 1',
        'Первый ответ (медиана): 10 мин',
        'Время решения (медиана): 1 ч 30 мин',
        'Оценка (CSAT): оценок нет',
        'Ждут ответа сейчас: 1',
      ].join('\n'),
    );
    expect(supportReportText(report, 'en')).toContain('Resolution time (median): 1 h 30 min');

    // The action hands both languages to the staff alerts in the step's transaction.
    const sent: unknown[] = [];
    const action = supportReportAction(() => ({
      notify: async (alert, r) => {
        sent.push({ alert, inTransaction: r !== undefined });
        return 2;
      },
    }));
    const input = {
      action: { type: 'support_report' as const },
      run: {
        id: 7,
        automationId: '',
        contactId: null,
        conversationId: null,
        step: 0,
        context: {},
        createdAt: clock.now(),
      },
      trigger: { kind: 'schedule' as const, cron: '0 9 * * *', timezone: 'Europe/Moscow' },
      repos: app.services.ctx.repos,
      now: clock.now(),
    };
    expect(await action.run(input)).toMatchObject({
      kind: 'next',
      detail: { day: '2027-01-14', reached: 2 },
    });
    expect(sent).toEqual([
      {
        alert: {
          kind: 'daily_report',
          text: { ru: supportReportText(report, 'ru'), en: supportReportText(report, 'en') },
        },
        inTransaction: true,
      },
    ]);
    expect(await supportReportAction(() => null).run(input)).toMatchObject({ kind: 'fail', error: /staff/i });
  });
});
