import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadedFile } from '../fakes/telegram/index.ts';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { eventually } from '../support/eventually.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { type TgUser, textUpdate } from '../telegram/receiving.helpers.ts';
import { type Browser, buildWebApp, screenshot } from './browser.ts';
import { closeAll, connectQuietBot, openAppInBrowser, signInWithToken } from './browser-app.ts';

/**
 * Contacts and the composer in a real Chromium against a real Switchboard and the fake Telegram server: search the
 * table, open a contact's timeline, edit it, import a CSV with a bad row, export what a filter shows, and reply in the
 * inbox quoting the customer with a file dropped on the composer. The tests run in order on one signed-in page.
 */

const WAIT = 20_000;

let tg: FakeTelegram;
let app: TestApp;
let bot: FakeBot;
let browser: Browser;
let page: Page;
let baseUrl: string;
let adminToken: string;
let anna: { contactId: string; conversationId: string };

const annaUser: TgUser = { id: 66_601, first_name: 'Анна', last_name: 'Смирнова', username: 'anna_s' };

const post = async (url: string, payload: object) => {
  const res = await app.http!.inject({ method: 'POST', url, headers: bearer(adminToken), payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
};

beforeAll(async () => {
  await buildWebApp();
  tg = await FakeTelegram.start({ enforceLimits: false });
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  ({ bot } = await connectQuietBot(app, tg));
  const admin = await app.userWithRole('admin');
  adminToken = admin.token;

  // Anna writes to the bot: a contact, a conversation and her message.
  const update = textUpdate(annaUser, 'Здравствуйте, хочу вернуть заказ');
  update.message.message_id = 801;
  bot.queueUpdate(update);
  const conversation = await eventually(
    () =>
      app.services.ctx.db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversationId')
        .select(['conversations.id as conversationId', 'conversations.contactId'])
        .where('messages.content', '=', 'Здравствуйте, хочу вернуть заказ')
        .executeTakeFirst(),
    WAIT,
    'message stored',
  );
  anna = { contactId: conversation.contactId!, conversationId: conversation.conversationId };
  await post('/api/v1/events', {
    contact: { id: anna.contactId },
    name: 'purchase',
    properties: { amount: 1990, currency: 'RUB' },
  });
  await post('/api/v1/contacts', { name: 'Борис Ким', email: 'boris@example.com', tags: ['wholesale'] });

  ({ browser, page, baseUrl } = await openAppInBrowser(app, 'ru-RU', WAIT));
  // Signed in as the admin (signing in through the form is the inbox test's subject).
  await signInWithToken(page, baseUrl, adminToken);
}, 120_000);

afterAll(() => closeAll(browser, app, tg));

describe('contacts in the browser', () => {
  it('finds a contact by search and shows the message and the event on its timeline', async () => {
    await page.goto(`${baseUrl}/contacts`);
    const table = page.getByTestId('contacts-table');
    await table.getByRole('link', { name: 'Борис Ким' }).waitFor();
    // Live: a contact created elsewhere appears through the contacts room, without a reload.
    await page.evaluate('window.sameDocument = true');
    await post('/api/v1/contacts', { name: 'Галина Новикова', email: 'galina@example.com' });
    await table.getByRole('link', { name: 'Галина Новикова' }).waitFor();
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    await page.getByRole('searchbox', { name: 'Поиск' }).fill('смирн');
    await page.getByRole('searchbox', { name: 'Поиск' }).press('Enter');
    await eventually(
      async () => ((await table.getByRole('link', { name: 'Борис Ким' }).count()) === 0 ? true : undefined),
      WAIT,
    );
    expect(new URL(page.url()).searchParams.get('q')).toBe('смирн');
    await page.getByText('Контактов: 1').waitFor();
    await screenshot(page, '20-contacts-list');

    await table.getByRole('link', { name: 'Анна Смирнова' }).click();
    await page.getByRole('heading', { name: 'Анна Смирнова' }).waitFor();
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('Здравствуйте, хочу вернуть заказ').waitFor();
    await timeline.getByText('purchase').waitFor();
    await timeline.getByText('amount: 1990 · currency: RUB').waitFor();
    // The message links to its conversation in the inbox.
    expect(await timeline.getByRole('link', { name: /Диалог №/ }).getAttribute('href')).toBe(
      `/inbox/${anna.conversationId}`,
    );
    await screenshot(page, '21-contact-page');
    await page.getByRole('button', { name: 'Сохранить' }).scrollIntoViewIfNeeded();
    await screenshot(page, '21-contact-page-details');
  });

  it('edits the contact: tags and a custom attribute are saved as the API normalises them', async () => {
    await page.getByLabel('Теги', { exact: true }).fill('VIP, Москва');
    await page.getByRole('button', { name: '+ Добавить поле' }).click();
    await page.getByLabel('Название поля').fill('orders');
    await page.getByLabel('Значение поля').fill('3');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Сохранено.').waitFor();
    const stored = await app.services.ctx.repos.contacts.get(anna.contactId);
    expect(stored?.tags).toEqual(['vip', 'москва']);
    expect(stored?.attributes).toEqual({ orders: 3 });
    expect(await page.getByLabel('Теги', { exact: true }).inputValue()).toBe('vip, москва');
  });

  it('imports a CSV: the progress bar reaches 100% and the bad row is listed with its reason', async () => {
    await page.goto(`${baseUrl}/contacts`);
    await page.getByRole('link', { name: 'Импорт CSV' }).click();
    await page.getByRole('heading', { name: 'Импорт контактов из CSV' }).waitFor();
    const csv =
      'name,email,tags\nВера Орлова,vera@example.com,vip\nГлеб,not-an-email,\nДина Ли,dina@example.com,\n';
    await page.getByLabel('Файл CSV').setInputFiles({
      name: 'contacts.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    // Every GET of the import answers it as still queued: only the imports room's events can bring the bar to 100%.
    const stale: string[] = [];
    await page.route(/\/api\/v1\/contacts\/imports\/[0-9a-f-]+$/, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      stale.push(body.id);
      await route.fulfill({
        response,
        json: {
          ...body,
          status: 'queued',
          processedRows: 0,
          createdRows: 0,
          updatedRows: 0,
          rejectedRows: 0,
        },
      });
    });
    await page.getByRole('button', { name: 'Загрузить и импортировать' }).click();
    await page.getByRole('heading', { name: 'Импорт завершён' }).waitFor();
    await page.unroute(/\/api\/v1\/contacts\/imports\/[0-9a-f-]+$/);
    // Asked once when the id was known; no polling while the socket was live.
    expect(stale).toHaveLength(1);
    const bar = page.getByTestId('import-progress');
    expect(await bar.getAttribute('value')).toBe('100');
    await page.getByText('100 %').waitFor();
    await page.getByText('Прочитано строк: 3 · создано: 2 · обновлено: 0 · отклонено: 1').waitFor();
    const rejected = page.getByTestId('import-errors').getByRole('row').filter({ hasText: 'not-an-email' });
    // Line 3 of the file: the header is line 1.
    expect(await rejected.getByRole('cell').first().textContent()).toBe('3');
    await screenshot(page, '22-contacts-import');
  });

  it('exports what the filter shows as a CSV download', async () => {
    await page.goto(`${baseUrl}/contacts?tag=vip`);
    await page.getByText('Контактов: 2').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Экспорт CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^contacts-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile((await download.path())!, 'utf8');
    const lines = text.trim().split(/\r?\n/);
    expect(lines[0]).toContain('email');
    expect(lines).toHaveLength(3);
    expect(text).toContain('vera@example.com');
    expect(text).toContain('Анна Смирнова');
    expect(text).not.toContain('boris@example.com');
  });

  it('adds a tag to the selected contacts in one bulk action', async () => {
    await page.goto(`${baseUrl}/contacts?subscribed=true`);
    const table = page.getByTestId('contacts-table');
    await table.getByRole('link', { name: 'Борис Ким' }).waitFor();
    await table.getByRole('checkbox', { name: 'Выбрать: Борис Ким' }).check();
    await table.getByRole('checkbox', { name: 'Выбрать: Дина Ли' }).check();
    const bar = page.getByRole('region', { name: 'Действия с выбранными' });
    await bar.getByText('Выбрано: 2').waitFor();
    await bar.getByRole('textbox').fill('Осень-2026');
    await bar.getByRole('button', { name: 'Применить к выбранным' }).click();
    await page.getByText('Готово, изменено контактов: 2.').waitFor();
    const tagged = await app.services.ctx.db
      .selectFrom('contacts')
      .select('name')
      .where(sql<boolean>`tags @> array['осень-2026']`)
      .orderBy('name')
      .execute();
    expect(tagged.map((c) => c.name)).toEqual(['Борис Ким', 'Дина Ли']);
    await table.getByText('осень-2026').first().waitFor();
  });
});

describe('contacts on a phone, in the dark theme', () => {
  it('keeps the table within the screen (it scrolls sideways in its own box) and the contact page in one column', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => localStorage.setItem('switchboard.theme', 'dark'));
    await page.goto(`${baseUrl}/contacts`);
    await page.getByTestId('contacts-table').getByRole('link', { name: 'Борис Ким' }).waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, '24-contacts-phone-dark');
    await page.goto(`${baseUrl}/contacts/${anna.contactId}`);
    await page.getByTestId('timeline').getByText('purchase').waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, '25-contact-phone-dark');
    await page.evaluate(() => localStorage.setItem('switchboard.theme', 'system'));
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

describe('inbox composer in the browser', () => {
  it('replies quoting the customer with a file dropped on the composer, and Telegram receives both', async () => {
    await page.goto(`${baseUrl}/inbox/${anna.conversationId}`);
    const customer = page.getByTestId('message').filter({ hasText: 'хочу вернуть заказ' });
    await customer.waitFor();
    // The list shows the contact's name and the last message without asking for the contact.
    await page
      .getByTestId('conversation-list')
      .getByRole('link', { name: /Анна Смирнова.*хочу вернуть заказ/ })
      .waitFor();
    await customer.getByRole('button', { name: 'Ответить с цитатой' }).click();
    await page.getByTestId('reply-to').getByText('Здравствуйте, хочу вернуть заказ').waitFor();

    // A file dropped on the composer, as the browser delivers it from the desktop.
    // (A string: the server's TypeScript has no DOM types; this runs in the page.)
    const drop = await page.evaluateHandle(`(() => {
      const data = new DataTransfer();
      data.items.add(new File(['номер заказа 1234'], 'заявление.txt', { type: 'text/plain' }));
      return data;
    })()`);
    await page.getByTestId('composer').dispatchEvent('dragover', { dataTransfer: drop });
    await page.getByTestId('composer').dispatchEvent('drop', { dataTransfer: drop });
    await page.getByTestId('composer-file').and(page.locator('[data-status="ready"]')).waitFor();

    await page.locator('#composer-text').fill('Пришлите, пожалуйста, заявление ');
    await page.getByRole('button', { name: 'Эмодзи' }).click();
    await page.getByRole('button', { name: '🙏' }).click();
    expect(await page.locator('#composer-text').inputValue()).toBe('Пришлите, пожалуйста, заявление 🙏');
    await page.getByRole('button', { name: 'Эмодзи' }).click();
    await screenshot(page, '23-inbox-composer-attachment');
    await page.getByRole('button', { name: 'Отправить' }).click();

    const sent = await eventually(
      async () =>
        bot.sent.find((c) => c.method === 'sendDocument' && String(c.chatId) === String(annaUser.id)),
      WAIT,
      'document sent to Telegram',
    );
    // grammY sends the file as a multipart part named by `attach://<name>`.
    const ref = sent.params.document as UploadedFile | string;
    const file = (typeof ref === 'string' ? sent.params[ref.slice('attach://'.length)] : ref) as UploadedFile;
    expect(file.bytes.toString()).toBe('номер заказа 1234');
    expect(sent.params.caption).toBe('Пришлите, пожалуйста, заявление 🙏');
    expect(sent.params.reply_parameters).toMatchObject({ message_id: 801 });
    await page.getByTestId('reply-to').waitFor({ state: 'detached' });
    expect(await page.getByTestId('composer-file').count()).toBe(0);
  });
});
