import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preferenceLinks } from '../../src/services/preference-links.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

/** The customer's preference page behind a signed link, and RFC 8058 one-click unsubscribe. */

// biome-ignore lint/suspicious/noExplicitAny: API bodies are free-form JSON here
type Json = Record<string, any>;

let app: TestApp;
let admin: string;

async function newContact(fields: Json = {}): Promise<string> {
  const res = await app.http!.inject({
    method: 'POST',
    url: '/api/v1/contacts',
    headers: bearer(admin),
    payload: { name: 'Вера', ...fields },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** The path part of the contact's signed links. */
function links(contactId: string) {
  const { pageUrl, oneClickUrl } = preferenceLinks('', app.services.ctx.secretBox, contactId);
  return { page: pageUrl, oneClick: oneClickUrl };
}

const get = (url: string, headers: Record<string, string> = {}) =>
  app.http!.inject({ method: 'GET', url, headers });
const postForm = (url: string, body: string) =>
  app.http!.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: body,
  });
const contact = (id: string) => app.services.ctx.repos.contacts.get(id);

/** Every checkbox on the page as {value, checked}, and whether each has a label pointing at it. */
function checkboxes(html: string) {
  return [...html.matchAll(/<input type="checkbox" id="([^"]+)" name="on" value="([^"]+)"( checked)?>/g)].map(
    (m) => ({
      value: m[2]!,
      checked: m[3] !== undefined,
      labelled: html.includes(`<label for="${m[1]}">`),
    }),
  );
}

/**
 * A forged token: one character of the signature changed. Not the last one: its low bits are base64 padding, which a
 * decoder ignores, so changing only those would give the same bytes.
 */
function forged(page: string): string {
  const i = page.length - 5;
  return `${page.slice(0, i)}${page[i] === 'A' ? 'B' : 'A'}${page.slice(i + 1)}`;
}

beforeAll(async () => {
  app = await startTestApp();
  admin = (await app.userWithRole('admin')).token;
});

afterAll(async () => {
  await app?.stop();
});

describe('the preference page', () => {
  it("renders in the contact's language with a labelled checkbox per choice", async () => {
    const ru = await newContact({ language: 'ru', email: 'vera@example.com' });
    const res = await get(links(ru).page);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.body).toMatch(/<html lang="ru">/);
    expect(res.body).toMatch(/Настройки уведомлений/);
    expect(res.body).toMatch(/name="viewport"/);
    const boxes = checkboxes(res.body);
    expect(boxes.map((b) => b.value)).toEqual(
      expect.arrayContaining(['marketing', 'type:new_lesson', 'type:promo_code_available', 'channel:email']),
    );
    // Critical types cannot be turned off, so they are not offered; a channel the contact lacks is not either.
    expect(boxes.map((b) => b.value)).not.toContain('type:payment_failed');
    expect(boxes.map((b) => b.value)).not.toContain('channel:telegram');
    expect(boxes.every((b) => b.checked && b.labelled)).toBe(true);
    expect(res.body).toMatch(/Новый урок/);

    const en = await newContact({ language: 'en' });
    const english = await get(links(en).page, { 'accept-language': 'ru' });
    expect(english.body).toMatch(/<html lang="en">/);
    expect(english.body).toMatch(/Notification settings/);
    expect(english.body).toMatch(/New lesson/);
  });

  it("falls back to the browser's language, then the workspace's", async () => {
    const id = await newContact();
    expect((await get(links(id).page, { 'accept-language': 'de-DE,en;q=0.8' })).body).toMatch(
      /<html lang="en">/,
    );
    expect((await get(links(id).page)).body).toMatch(/<html lang="ru">/);
  });

  it('saves the form: unchecked boxes turn off, what the page did not show keeps its value', async () => {
    const id = await newContact({ language: 'en', email: 'saved@example.com' });
    // Chosen earlier through the API: a channel choice the page will not touch for this type.
    await app.services.preferences.put({ type: 'system', id: null, name: 'test' }, id, {
      types: { support_response: { channels: { email: false } } },
    });
    const shown = ['marketing', 'type:new_lesson', 'type:welcome', 'channel:email']
      .map((v) => `shown=${encodeURIComponent(v)}`)
      .join('&');
    const res = await postForm(links(id).page, `${shown}&on=${encodeURIComponent('type:welcome')}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toMatch(/role="status">Saved\./);
    const boxes = Object.fromEntries(checkboxes(res.body).map((b) => [b.value, b.checked]));
    expect(boxes).toMatchObject({
      marketing: false,
      'type:new_lesson': false,
      'type:welcome': true,
      'channel:email': false,
    });
    expect((await contact(id))?.subscribed).toBe(false);
    const row = await app.services.ctx.repos.preferences.get(id);
    expect(row?.types).toEqual({
      new_lesson: { enabled: false },
      support_response: { channels: { email: false } },
    });
    expect(row?.channels).toEqual({ email: false });
  });

  it('refuses a forged token and a deleted contact with a 404 page, changing nothing', async () => {
    const id = await newContact();
    const { page, oneClick } = links(id);
    const bad = await get(forged(page));
    expect(bad.statusCode).toBe(404);
    expect(bad.body).toMatch(/Ссылка не найдена/);
    expect(bad.body).not.toContain(id);
    expect((await get('/p/not-a-token')).statusCode).toBe(404);
    expect((await postForm(forged(page), 'shown=marketing')).statusCode).toBe(404);
    expect((await postForm(`${forged(page)}/unsubscribe`, 'List-Unsubscribe=One-Click')).statusCode).toBe(
      404,
    );
    expect((await contact(id))?.subscribed).toBe(true);

    await app.http!.inject({ method: 'DELETE', url: `/api/v1/contacts/${id}`, headers: bearer(admin) });
    expect((await get(page)).statusCode).toBe(404);
    expect((await postForm(oneClick, 'List-Unsubscribe=One-Click')).statusCode).toBe(404);
  });
});

describe('one-click unsubscribe (RFC 8058)', () => {
  it('never unsubscribes on GET: it asks to confirm', async () => {
    const id = await newContact({ language: 'en' });
    const res = await get(links(id).oneClick);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<form method="post">/);
    expect(res.body).toMatch(/name="List-Unsubscribe" value="One-Click"/);
    expect((await contact(id))?.subscribed).toBe(true);
  });

  it('turns marketing off on the POST a mail client sends, url-encoded', async () => {
    const id = await newContact({ language: 'ru' });
    const res = await postForm(links(id).oneClick, 'List-Unsubscribe=One-Click');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/Вы отписались/);
    expect((await contact(id))?.subscribed).toBe(false);
    // A second POST is harmless.
    expect((await postForm(links(id).oneClick, 'List-Unsubscribe=One-Click')).statusCode).toBe(200);
    const audit = await app.services.ctx.db
      .selectFrom('auditLog')
      .select('actorName')
      .where('entityId', '=', id)
      .where('action', '=', 'contact.preferences_updated')
      .execute();
    expect(audit.map((a) => a.actorName)).toEqual(['contact (one-click unsubscribe)']);
  });

  it('accepts the multipart form of RFC 8058’s example', async () => {
    const id = await newContact();
    const boundary = '---FormBoundaryjWmhtjORrn';
    const res = await app.http!.inject({
      method: 'POST',
      url: links(id).oneClick,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await contact(id))?.subscribed).toBe(false);
  });
});
