import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { type Browser, buildWebApp, screenshot } from './browser.ts';
import { closeAll, openAppInBrowser, signIn } from './browser-app.ts';

/**
 * A marketer in a real Chromium against a real Switchboard: builds a segment with a nested OR group in the visual builder
 * and watches the live count and sample follow each edit, sees the API's objection next to the node it names, saves;
 * then writes a template with Russian and English texts and a URL button, and previews it for a real contact whose name
 * is markup: the button shows under the bubble and the name shows as typed.
 */

const PASSWORD = 'password123';
const WAIT = 20_000;

let app: TestApp;
let browser: Browser;
let page: Page;
let baseUrl: string;
let token: string;
let email: string;
const contactIds: Record<string, string> = {};

async function createContact(key: string, body: Record<string, unknown>) {
  const res = await app.http!.inject({
    method: 'POST',
    url: '/api/v1/contacts',
    headers: bearer(token),
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  contactIds[key] = (res.json() as { id: string }).id;
}

/** Waits until the live count shows `n` (the preview is debounced and asynchronous). */
async function countIs(n: number) {
  await page
    .getByTestId('preview-count')
    .filter({ hasText: new RegExp(`^${n}$`) })
    .waitFor();
}

/** The sample table's contact names, once it settles on `expected`. */
async function sampleIs(expected: string[]) {
  const names = page.getByTestId('preview-contact');
  await expect
    .poll(async () => (await names.allInnerTexts()).map((s) => s.split(/\t|\n/)[0]!.trim()).sort(), {
      timeout: WAIT,
    })
    .toEqual([...expected].sort());
}

/** A screenshot of the whole page: the app scrolls inside <main>, so the window grows to fit it for the picture. */
async function pageShot(name: string) {
  // A string, so the server's TypeScript (no DOM types) need not know `document`.
  const height = Number(
    await page.evaluate(
      "(() => { const m = document.querySelector('main'); m?.scrollTo(0, 0); return m?.scrollHeight ?? 800; })()",
    ),
  );
  await page.setViewportSize({ width: 1280, height: Math.min(Math.max(800, height + 60), 4000) });
  await screenshot(page, name);
  await page.setViewportSize({ width: 1280, height: 800 });
}

const subject = (row: Locator) => row.getByLabel('Условие', { exact: true });

beforeAll(async () => {
  await buildWebApp();
  app = await startTestApp();
  email = `marketer-${process.pid}@example.com`;
  token = (await app.userWithRole('marketing', { email, password: PASSWORD })).token;
  await createContact('anna', { name: 'Анна Смирнова', firstName: 'Анна', language: 'ru', tags: ['vip'] });
  await createContact('bob', { name: 'Bob Stone', firstName: 'Bob', language: 'en' });
  await createContact('karl', { name: 'Карл Мюллер', firstName: 'Карл', language: 'ru', subscribed: false });
  await createContact('eve', {
    name: '<i>Eve</i> & Co',
    firstName: '<i>Eve</i> & Co',
    language: 'en',
    tags: ['vip'],
    attributes: { plan: 'pro' },
  });
  ({ browser, page, baseUrl } = await openAppInBrowser(app, 'ru-RU', WAIT));
}, 120_000);

afterAll(() => closeAll(browser, app));

describe('segments and templates in the browser', () => {
  it('signs in as a marketer and lists the segments', async () => {
    await signIn(page, `${baseUrl}/segments`, { email, password: PASSWORD, language: 'ru' });
    await page.getByRole('heading', { name: 'Сегменты' }).waitFor();
    await pageShot('segments-01-list');
  });

  it('builds a segment with a nested OR group, the count and sample following each edit', async () => {
    await page.getByRole('button', { name: 'Новый сегмент' }).click();
    await page.getByLabel('Название').fill('Подписчики: VIP или английский');
    // An empty AND matches everyone.
    await countIs(4);

    await page.getByRole('button', { name: '+ Условие' }).click();
    await countIs(3);
    await sampleIs(['<i>Eve</i> & Co', 'Bob Stone', 'Анна Смирнова']);

    await page.getByRole('button', { name: '+ Группа' }).click();
    const nested = page.getByTestId('filter-group').nth(1);
    const firstInGroup = nested.getByTestId('filter-condition').nth(0);
    await subject(firstInGroup).selectOption('tags');
    // The tag picker suggests the tags in use; a typed tag becomes a chip on Enter.
    await firstInGroup.getByLabel('Значение').fill('VIP');
    await firstInGroup.getByLabel('Значение').press('Enter');
    await firstInGroup.getByTestId('tag-chip').filter({ hasText: 'vip' }).waitFor();
    await countIs(2);
    await sampleIs(['<i>Eve</i> & Co', 'Анна Смирнова']);

    await nested.getByRole('button', { name: '+ Условие' }).click();
    const secondInGroup = nested.getByTestId('filter-condition').nth(1);
    await subject(secondInGroup).selectOption('language');
    await secondInGroup.getByLabel('Значение').selectOption('en');
    await countIs(3);
    await sampleIs(['<i>Eve</i> & Co', 'Bob Stone', 'Анна Смирнова']);
  });

  it('shows the API objection next to the condition it names, and it leaves with the condition', async () => {
    await page.getByRole('button', { name: '+ Условие' }).last().click();
    const rows = page.getByTestId('filter-builder').getByTestId('filter-condition');
    const eventRow = rows.last();
    await subject(eventRow).selectOption('event');
    // The event name is empty: the API names filter.conditions[2].name, and the message shows in that row only.
    await eventRow.getByTestId('filter-problem').filter({ hasText: 'must be an event name' }).waitFor();
    expect(await page.getByTestId('filter-problem').count()).toBe(1);
    await page.getByTestId('preview-invalid').waitFor();
    await pageShot('segments-02-problem');
    await eventRow.getByRole('button', { name: 'Удалить', exact: true }).click();
    await page.getByTestId('filter-problem').waitFor({ state: 'detached' });
    await countIs(3);
  });

  it('saves the segment as the filter JSON the builder showed', async () => {
    await page.getByRole('button', { name: 'Сохранить', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Сохранено' }).waitFor();
    const id = /\/segments\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    expect(id, page.url()).toBeTruthy();
    const saved = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/segments/${id}`,
      headers: bearer(token),
    });
    expect(saved.json()).toMatchObject({
      name: 'Подписчики: VIP или английский',
      filter: {
        op: 'and',
        conditions: [
          { type: 'field', field: 'subscribed', op: 'eq', value: true },
          {
            op: 'or',
            conditions: [
              { type: 'field', field: 'tags', op: 'has_any', value: ['vip'] },
              { type: 'field', field: 'language', op: 'eq', value: 'en' },
            ],
          },
        ],
      },
    });
    await pageShot('segments-03-editor');
    await page.getByRole('link', { name: '← Все сегменты' }).click();
    const row = page.getByTestId('segment-row').filter({ hasText: 'Подписчики: VIP или английский' });
    await row.getByTestId('segment-count').filter({ hasText: /^3$/ }).waitFor();
  });

  it('writes a template with Russian and English texts and a URL button, previewed for a contact', async () => {
    await page
      .getByRole('navigation', { name: 'Главное меню' })
      .getByRole('link', { name: 'Шаблоны' })
      .click();
    await page.getByRole('heading', { name: 'Шаблоны' }).waitFor();
    await pageShot('templates-01-list');
    await page.getByRole('button', { name: 'Новый шаблон' }).click();
    await page.getByLabel('Название').fill('Скидка');
    await page.locator('#template-body').fill('Здравствуйте, <b>{{ contact.firstName }}</b>!');
    await page
      .locator('#template-variant-ru')
      .fill('Привет, <b>{{ contact.firstName }}</b>! Скидка для вас.');
    await page
      .locator('#template-variant-en')
      .fill('Hello, <b>{{ contact.firstName }}</b>! A discount for you.');
    await page.getByRole('button', { name: '+ Кнопка-ссылка' }).click();
    await page.getByLabel('Текст кнопки').fill('Открыть магазин');
    await page.getByLabel('Адрес ссылки').fill('https://shop.example/?c={{ contact.id }}');

    // The sample contact first, then a real one found by name.
    await page.getByTestId('preview-text').filter({ hasText: 'Скидка для вас' }).waitFor();
    await page.getByLabel('Предпросмотр для контакта').fill('Eve');
    await page.getByRole('button', { name: /<i>Eve<\/i> & Co/ }).click();
    await page.getByTestId('preview-contact').filter({ hasText: '<i>Eve</i> & Co' }).waitFor();

    const text = page.getByTestId('preview-text');
    await text.filter({ hasText: 'Hello, <i>Eve</i> & Co! A discount for you.' }).waitFor();
    // The template's own <b> is formatting; the contact's <i> is a value, escaped by the server and shown as typed.
    expect(await text.locator('strong').innerText()).toBe('<i>Eve</i> & Co');
    expect(await text.locator('em').count()).toBe(0);
    const button = page.getByTestId('preview-buttons').getByTestId('preview-button');
    await button.filter({ hasText: 'Открыть магазин' }).waitFor();
    expect(await button.getAttribute('href')).toBe(`https://shop.example/?c=${contactIds.eve}`);

    await page.locator('#preview-language').selectOption('ru');
    await text.filter({ hasText: 'Привет, <i>Eve</i> & Co! Скидка для вас.' }).waitFor();
  });

  it('shows a markup problem next to the text it is in, and saves once it is fixed', async () => {
    await page.locator('#template-variant-en').fill('Hello, <b>{{ contact.firstName }}! A discount for you.');
    const problem = page.getByTestId('template-problem').filter({ hasText: 'invalid Telegram HTML' });
    await problem.waitFor();
    await page.getByRole('button', { name: 'Сохранить шаблон' }).click();
    await page.getByRole('alert').filter({ hasText: 'Не сохранено' }).waitFor();
    await pageShot('templates-02-problem');

    await page
      .locator('#template-variant-en')
      .fill('Hello, <b>{{ contact.firstName }}</b>! A discount for you.');
    await problem.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Сохранить шаблон' }).click();
    await page.getByRole('status').filter({ hasText: 'Сохранено' }).waitFor();
    const id = /\/templates\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    expect(id, page.url()).toBeTruthy();
    const saved = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/templates/${id}`,
      headers: bearer(token),
    });
    expect(saved.json()).toMatchObject({
      name: 'Скидка',
      body: 'Здравствуйте, <b>{{ contact.firstName }}</b>!',
      variants: {
        ru: 'Привет, <b>{{ contact.firstName }}</b>! Скидка для вас.',
        en: 'Hello, <b>{{ contact.firstName }}</b>! A discount for you.',
      },
      buttons: [[{ kind: 'url', text: 'Открыть магазин', url: 'https://shop.example/?c={{ contact.id }}' }]],
    });
    await page.getByTestId('preview-buttons').waitFor();
    await pageShot('templates-03-editor');
    await page.emulateMedia({ colorScheme: 'dark' });
    await pageShot('templates-04-editor-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
