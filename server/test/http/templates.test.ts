import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { type Api, adminApi } from './contacts.helpers.ts';

let app: TestApp;
let api: Api;
beforeAll(async () => {
  app = await startTestApp();
  api = await adminApi(app);
});
afterAll(async () => {
  await app.stop();
});

const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('built-in templates', () => {
  it('ships welcome, newsletter, promo and maintenance in Russian and English', async () => {
    const res = await api.get('/api/v1/templates');
    expect(res.statusCode).toBe(200);
    // Keys with a dot (`payment_success.email`) are the notification types' templates (migration 0020).
    const builtIns = res
      .json()
      .data.filter((t: { builtIn: boolean; key: string }) => t.builtIn && !t.key.includes('.'));
    expect(builtIns.map((t: { key: string }) => t.key).sort()).toEqual([
      'maintenance',
      'newsletter',
      'promo',
      'welcome',
    ]);
    for (const t of builtIns) {
      expect(Object.keys(t.variants).sort()).toEqual(['en', 'ru']);
      expect(t.format).toBe('telegram_html');
    }
  });

  it('renders each built-in for the sample contact in both languages with its sample data', async () => {
    for (const key of ['welcome', 'newsletter', 'promo', 'maintenance']) {
      for (const language of ['ru', 'en']) {
        const res = await api.post(`/api/v1/templates/${key}/preview`, { language });
        expect(res.statusCode, `${key} ${language}: ${JSON.stringify(res.json())}`).toBe(200);
        expect(res.json()).toMatchObject({ language, variant: language, contact: { sample: true } });
      }
    }
    const promo = (await api.post('/api/v1/templates/promo/preview', { language: 'ru' })).json();
    expect(promo.html).toContain('<code>SPRING15</code>');
    expect(spaces(promo.text)).toContain('действует до 31 декабря 2026 г.');
    expect(promo.buttons).toEqual([
      [{ kind: 'url', text: 'Воспользоваться', url: 'https://example.com/shop' }],
    ]);
    const welcome = (await api.post('/api/v1/templates/welcome/preview', { language: 'en' })).json();
    expect(welcome.text).toMatch(/^Hello, Anna! 👋/);
    expect(welcome.html).toContain('<b>Switchboard</b>');
  });

  it('can be edited but not deleted, and keeps its key', async () => {
    const welcome = (await api.get('/api/v1/templates/welcome')).json();
    const edited = await api.patch(`/api/v1/templates/${welcome.id}`, { name: 'Привет' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ name: 'Привет', version: welcome.version + 1, builtIn: true });
    const rekey = await api.patch('/api/v1/templates/welcome', { key: 'hello' });
    expect(rekey.statusCode).toBe(400);
    expect(rekey.json().error.details[0].path).toBe('/key');
    const del = await api.delete(`/api/v1/templates/${welcome.id}`);
    expect(del.statusCode).toBe(409);
  });
});

describe('templates CRUD', () => {
  it('creates, reads by id and key, changes, lists and deletes a template', async () => {
    const created = await api.post('/api/v1/templates', {
      key: 'lesson_reminder',
      name: 'Lesson reminder',
      body: 'Напоминаем: урок {{ data.lessonAt | local_date: "long" }}',
      variants: { EN: 'Reminder: your lesson is on {{ data.lessonAt | local_date: "long" }}' },
      buttons: [
        [
          {
            kind: 'callback',
            text: 'Перенести',
            data: 'reschedule:{{ data.lessonId }}',
            textVariants: { en: 'Reschedule' },
          },
        ],
      ],
      sampleData: { lessonAt: '2026-12-01T07:00:00Z', lessonId: '42' },
    });
    expect(created.statusCode, JSON.stringify(created.json())).toBe(201);
    const t = created.json();
    expect(t).toMatchObject({
      key: 'lesson_reminder',
      format: 'telegram_html',
      builtIn: false,
      version: 1,
      attachmentId: null,
    });
    expect(Object.keys(t.variants)).toEqual(['en']);

    expect((await api.get(`/api/v1/templates/${t.id}`)).json().name).toBe('Lesson reminder');
    expect((await api.get('/api/v1/templates/lesson_reminder')).json().id).toBe(t.id);

    const changed = await api.patch(`/api/v1/templates/${t.id}`, {
      body: 'Урок {{ data.lessonAt | local_date: "short" }}',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ version: 2, variants: t.variants });

    const list = (await api.get('/api/v1/templates?q=lesson_rem')).json().data;
    expect(list.map((x: { id: string }) => x.id)).toEqual([t.id]);

    const audit = await app.services.ctx.db
      .selectFrom('auditLog')
      .select('action')
      .where('entityId', '=', t.id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['template.created', 'template.updated']);

    expect((await api.delete(`/api/v1/templates/${t.id}`)).statusCode).toBe(204);
    expect((await api.get(`/api/v1/templates/${t.id}`)).statusCode).toBe(404);
  });

  it('refuses a duplicate key with 409 naming the field', async () => {
    const res = await api.post('/api/v1/templates', { key: 'promo', name: 'x', body: 'x' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.details).toEqual([{ path: '/key', message: 'already taken' }]);
  });

  it('refuses an attachment that does not exist', async () => {
    const res = await api.post('/api/v1/templates', {
      name: 'x',
      body: 'x',
      attachmentId: '3f0c4b8e-8a4e-4a57-9a1e-3b8a2f0f0d11',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('/attachmentId');
  });

  it('keeps the id of an attachment that exists', async () => {
    const { id } = await app.services.ctx.db
      .insertInto('attachments')
      .values({ kind: 'photo', mimeType: 'image/jpeg' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const res = await api.post('/api/v1/templates', { name: 'With photo', body: 'Look', attachmentId: id });
    expect(res.statusCode).toBe(201);
    const preview = (await api.post(`/api/v1/templates/${res.json().id}/preview`, {})).json();
    expect(preview.attachmentId).toBe(id);
  });
});

describe('validation at save', () => {
  it('answers 400 with field, line and column for an unknown filter', async () => {
    const res = await api.post('/api/v1/templates', {
      name: 'bad',
      body: 'Привет!\n{{ contact.firstName | shout }}',
    });
    expect(res.statusCode).toBe(400);
    const [problem] = res.json().error.details;
    expect(problem).toMatchObject({ path: '/body', line: 2, column: 1 });
    expect(problem.message).toContain('unknown filter "shout"');
  });

  it('answers 400 for a syntax error in a variant, naming the variant', async () => {
    const res = await api.post('/api/v1/templates', {
      name: 'bad',
      body: 'ok',
      variants: { en: 'Hi {% if x %}' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ path: '/variants/en', line: 1, column: 4 });
  });

  it('answers 400 for markup Telegram would refuse', async () => {
    const res = await api.post('/api/v1/templates', { name: 'bad', body: '<p>{{ contact.firstName }}</p>' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ path: '/body', line: 1, column: 1 });
    expect(res.json().error.details[0].message).toContain('unsupported tag <p>');
  });

  it('answers 400 for a bad language tag and for a button URL that is not a link', async () => {
    const tag = await api.post('/api/v1/templates', { name: 'bad', body: 'ok', variants: { english: 'x' } });
    expect(tag.json().error.details[0].path).toBe('/variants/english');
    const url = await api.post('/api/v1/templates', {
      name: 'bad',
      body: 'ok',
      buttons: [[{ kind: 'url', text: 'Go', url: 'ftp://files' }]],
    });
    expect(url.statusCode).toBe(400);
    expect(url.json().error.details[0].path).toBe('/buttons/0/0/url');
  });

  it('validates a change against the stored template', async () => {
    const t = (await api.post('/api/v1/templates', { name: 'plain', format: 'text', body: 'a < b' })).json();
    const res = await api.patch(`/api/v1/templates/${t.id}`, { format: 'telegram_html' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('/body');
  });
});

describe('preview', () => {
  it('renders for a real contact in their language and time zone, escaping their data', async () => {
    const contact = (
      await api.post('/api/v1/contacts', {
        firstName: '<b>Иван</b>',
        language: 'ru-RU',
        timezone: 'Asia/Novosibirsk',
        attributes: { level: 'B1' },
      })
    ).json();
    const t = (
      await api.post('/api/v1/templates', {
        name: 'lesson',
        body: 'Hi {{ contact.firstName }}',
        variants: {
          ru: '<b>{{ contact.firstName }}</b>, урок ({{ contact.attributes.level }}) {{ data.at | local_date: "long" }}, {{ data.n }} {{ data.n | plural: "урок", "урока", "уроков" }}',
        },
      })
    ).json();
    const res = await api.post(`/api/v1/templates/${t.id}/preview`, {
      contactId: contact.id,
      data: { at: '2026-11-22T07:00:00Z', n: 3 },
    });
    expect(res.statusCode, JSON.stringify(res.json())).toBe(200);
    const p = res.json();
    expect(p).toMatchObject({ language: 'ru', variant: 'ru', contact: { id: contact.id, sample: false } });
    expect(spaces(p.html)).toBe(
      '<b>&lt;b&gt;Иван&lt;/b&gt;</b>, урок (B1) 22 ноября 2026 г. в 14:00, 3 урока',
    );
    expect(spaces(p.text)).toBe('<b>Иван</b>, урок (B1) 22 ноября 2026 г. в 14:00, 3 урока');
  });

  it('renders for the documented sample contact when no contact is given', async () => {
    const res = await api.post('/api/v1/templates/render-preview', {
      body: '{{ contact.name }} ({{ contact.email }}), {{ workspace.name }}',
      variants: { en: '{{ contact.name }} ({{ contact.email }}), {{ workspace.name }}' },
      language: 'en',
    });
    expect(res.statusCode, JSON.stringify(res.json())).toBe(200);
    expect(res.json()).toMatchObject({
      html: 'Anna Ivanova (anna@example.com), Switchboard',
      contact: { sample: true },
    });
  });

  it('reports problems of unsaved text with their position', async () => {
    const res = await api.post('/api/v1/templates/render-preview', { body: 'one\ntwo {{ x | nope }}' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ path: '/body', line: 2, column: 5 });
  });

  it('answers 404 for an unknown contact or template', async () => {
    const t = (await api.get('/api/v1/templates/welcome')).json();
    const missing = '3f0c4b8e-8a4e-4a57-9a1e-3b8a2f0f0d12';
    expect((await api.post(`/api/v1/templates/${t.id}/preview`, { contactId: missing })).statusCode).toBe(
      404,
    );
    expect((await api.post(`/api/v1/templates/${missing}/preview`, {})).statusCode).toBe(404);
  });
});

describe('access', () => {
  it('lets agents and readonly users read and preview, but not write', async () => {
    for (const role of ['agent', 'readonly'] as const) {
      const { token } = await app.userWithRole(role);
      const headers = bearer(token);
      const list = await app.http!.inject({ method: 'GET', url: '/api/v1/templates', headers });
      expect(list.statusCode).toBe(200);
      const preview = await app.http!.inject({
        method: 'POST',
        url: '/api/v1/templates/promo/preview',
        headers,
        payload: {},
      });
      expect(preview.statusCode).toBe(200);
      const create = await app.http!.inject({
        method: 'POST',
        url: '/api/v1/templates',
        headers,
        payload: { name: 'x', body: 'x' },
      });
      expect(create.statusCode).toBe(403);
    }
  });

  it('lets marketing create templates', async () => {
    const { token } = await app.userWithRole('marketing');
    const res = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/templates',
      headers: bearer(token),
      payload: { name: 'Sale', body: 'Sale!' },
    });
    expect(res.statusCode).toBe(201);
  });
});

describe('rendering for other engines', () => {
  it('renders a stored template by key for a contact with data', async () => {
    const r = await app.services.templates.render('promo', {
      contact: { firstName: 'Ann', language: 'en' },
      data: { code: 'X<1>', discount: 20 },
    });
    expect(r.language).toBe('en');
    expect(r.html).toContain('<code>X&lt;1&gt;</code>');
    expect(r.html).toContain('<b>20% off</b>');
  });
});

describe('built-in texts', () => {
  it('reads well in Russian for the sample data', async () => {
    const m = (await api.post('/api/v1/templates/maintenance/preview', { language: 'ru' })).json();
    expect(spaces(m.text)).toBe(
      '🛠 Плановые технические работы\n\nНачало: 5 декабря 2026 г. в 23:00\nОкончание: 6 декабря 2026 г. в 01:00\n\nВ это время Switchboard будет недоступен. Приносим извинения за неудобства. Все данные сохранятся, ничего делать не нужно.',
    );
  });
});
