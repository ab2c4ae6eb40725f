import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSubject } from '../../src/services/notification-message.ts';
import { renderTemplate, visibleTextOf } from '../../src/services/templates/render.ts';
import type { TemplateSource } from '../../src/services/templates/types.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

/** The seeded built-in notification types: each has a Telegram and an email template that render in ru and en. */

let app: TestApp;
let admin: string;
beforeAll(async () => {
  app = await startTestApp({ role: 'api' });
  admin = (await app.userWithRole('admin')).token;
});
afterAll(async () => app?.stop());

// The eight of the notification API (migration 0020) and the three the built-in automation rules send (0024).
const BUILT_INS = [
  'birthday_greeting',
  'cart_reminder',
  'course_completed',
  'new_lesson',
  'payment_failed',
  'payment_success',
  'promo_code_available',
  'support_response',
  'system_maintenance',
  'welcome',
  'winback',
];

describe('built-in notification types', () => {
  it('are seeded with a template per channel kind', async () => {
    const types = await app.services.ctx.db
      .selectFrom('notificationTypes')
      .selectAll()
      .orderBy('key')
      .execute();
    expect(types.map((t) => t.key)).toEqual(BUILT_INS);
    for (const t of types) {
      expect(t.builtIn).toBe(true);
      expect(t.channels).toEqual(['telegram', 'email']);
      expect(t.telegramTemplateId).not.toBeNull();
      expect(t.emailTemplateId).not.toBeNull();
    }
    expect(types.find((t) => t.key === 'promo_code_available')!.category).toBe('marketing');
    expect(types.filter((t) => t.critical).map((t) => t.key)).toEqual(['payment_failed']);
  });

  it('render in Russian and English with their sample data', async () => {
    const rows = await app.services.ctx.db
      .selectFrom('templates')
      .selectAll()
      .where('key', 'like', '%.telegram')
      .where('builtIn', '=', true)
      .unionAll(
        app.services.ctx.db
          .selectFrom('templates')
          .selectAll()
          .where('key', 'like', '%.email')
          .where('builtIn', '=', true),
      )
      .execute();
    expect(rows).toHaveLength(22);
    const workspace = { name: 'Школа Луч', timezone: 'Europe/Moscow', locale: 'ru' };
    for (const row of rows) {
      const src = { ...row, buttons: row.buttons as TemplateSource['buttons'] };
      for (const language of ['ru', 'en']) {
        const r = renderTemplate(src, {
          contact: { firstName: 'Анна', language },
          workspace,
          data: row.sampleData,
        });
        expect(r.variant, `${row.key} ${language}`).toBe(language);
        // Every built-in greets by name or names the workspace or the sample's values: none renders empty.
        expect(visibleTextOf(r.format, r.html).trim().length).toBeGreaterThan(20);
        if (row.format === 'email_html') {
          const subject = renderSubject(
            row,
            r.variant,
            { contact: { firstName: 'Анна' }, workspace, data: row.sampleData },
            language,
          );
          expect(subject, `${row.key} ${language}`).toMatch(/\S/);
          expect(subject).not.toMatch(/[{}<>]/);
        }
      }
    }
  });

  it('email templates take a subject through the templates API; other formats refuse one', async () => {
    const post = (payload: Record<string, unknown>) =>
      app.http!.inject({ method: 'POST', url: '/api/v1/templates', headers: bearer(admin), payload });
    const ok = await post({
      name: 'Receipt',
      format: 'email_html',
      body: '<p>Thanks</p>',
      subject: 'Order {{ data.id }}',
      subjectVariants: { ru: 'Заказ {{ data.id }}' },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({
      subject: 'Order {{ data.id }}',
      subjectVariants: { ru: 'Заказ {{ data.id }}' },
    });
    const row = (await app.services.ctx.repos.templates.get(ok.json().id))!;
    const input = {
      contact: {},
      workspace: { name: 'W', timezone: 'UTC', locale: 'en' },
      data: { id: '<7>\nX' },
    };
    // Plain-text escaping (nothing HTML-escaped) and one line.
    expect(renderSubject(row, null, input, 'en')).toBe('Order <7> X');
    expect(renderSubject(row, 'ru', input, 'ru')).toBe('Заказ <7> X');

    const telegram = await post({ name: 'T', body: 'Hi', subject: 'Nope' });
    expect(telegram.statusCode).toBe(400);
    expect(telegram.json().error.details[0].path).toBe('/subject');
    const broken = await post({
      name: 'E',
      format: 'email_html',
      body: '<p>x</p>',
      subjectVariants: { en: '{{ data.x ' },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.details[0].path).toBe('/subjectVariants/en');
  });
});
