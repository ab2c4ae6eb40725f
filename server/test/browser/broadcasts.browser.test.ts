import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { eventually } from '../support/eventually.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { type TgUser, textUpdate } from '../telegram/receiving.helpers.ts';
import { type Browser, buildWebApp, screenshot } from './browser.ts';
import { closeAll, connectQuietBot, openAppInBrowser, signIn } from './browser-app.ts';

/**
 * A marketer's path in a real Chromium against a real Switchboard and the fake Telegram server, in one test: a segment
 * built in the visual builder with its live count, the create flow building a broadcast to it with a link button
 * scheduled a few seconds ahead (in the user's Moscow time), the broadcast page following it live to 100% and showing
 * the contact who blocked the bot. Then the CSV, a test send, a duplicate edited and sent, paused and cancelled.
 */

const PASSWORD = 'password123';
const WAIT = 30_000;
const SHOP_URL = 'https://shop.example/spring?utm=tg';

let tg: FakeTelegram;
let app: TestApp;
let bot: FakeBot;
let browser: Browser;
let page: Page;
let baseUrl: string;
let adminEmail: string;
let adminToken: string;
let channelId = '';
let broadcastUrl = '';

const customers: TgUser[] = [
  { id: 66_601, first_name: 'Иван', last_name: 'Петров', username: 'ivan_p', language_code: 'ru' },
  { id: 66_602, first_name: 'Eve', username: 'eve_x', language_code: 'en' },
  { id: 66_603, first_name: 'Ольга', language_code: 'ru' },
];
const [ivan, eve] = customers as [TgUser, TgUser, TgUser];

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  app.http!.inject({ method, url, headers: bearer(adminToken), ...(payload ? { payload } : {}) });

/** The smallest valid PNG (1×1, transparent): uploaded as the broadcast's photo. */
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Moscow wall-clock time `ms` from now, as a datetime-local input takes it (Moscow has no daylight saving: UTC+3). */
function moscowInputValue(ms: number): string {
  return new Date(Date.now() + ms + 3 * 3_600_000).toISOString().slice(0, 19);
}

beforeAll(async () => {
  await buildWebApp();
  tg = await FakeTelegram.start({ enforceLimits: false });
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  ({ bot, channelId } = await connectQuietBot(app, tg));
  adminEmail = `bc-admin-${process.pid}@example.com`;
  adminToken = (await app.userWithRole('admin', { email: adminEmail, password: PASSWORD })).token;
  // The scheduled time is typed in the user's own zone, which is not the browser's (UTC here).
  const tz = await api('PATCH', '/api/v1/auth/me', { timezone: 'Europe/Moscow' });
  expect(tz.statusCode, tz.body).toBe(200);

  // Three customers write to the bot, so they are contacts reachable through it.
  for (const c of customers) bot.queueUpdate(textUpdate(c, 'Привет'));
  await eventually(
    async () => {
      const rows = await app.services.ctx.db.selectFrom('contactChannels').select('id').execute();
      return rows.length >= customers.length ? rows : undefined;
    },
    WAIT,
    'customers stored',
  );

  ({ browser, page, baseUrl } = await openAppInBrowser(app, 'ru-RU', WAIT));
}, 180_000);

afterAll(() => closeAll(browser, app, tg));

describe('broadcasts in the browser', () => {
  it('builds a segment with its count, sends it a broadcast and follows it to 100% with the blocked contact', async () => {
    await signIn(page, `${baseUrl}/`, { email: adminEmail, password: PASSWORD, language: 'ru' });
    const menu = page.getByRole('navigation', { name: 'Главное меню' });

    // The segment, built in the visual builder: reachable through this bot. Its live count follows the edit.
    await menu.getByRole('link', { name: 'Сегменты' }).click();
    await page.getByRole('button', { name: 'Новый сегмент' }).click();
    await page.getByLabel('Название').fill('Клиенты бота');
    await page.getByRole('button', { name: '+ Условие' }).click();
    const condition = page.getByTestId('filter-condition').first();
    await condition.getByLabel('Условие', { exact: true }).selectOption('channel');
    await condition.getByLabel('Канал', { exact: true }).selectOption(`id:${channelId}`);
    await page.getByTestId('preview-count').filter({ hasText: /^3$/ }).waitFor();
    await page.getByRole('button', { name: 'Сохранить', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Сохранено' }).waitFor();
    const segmentId = /\/segments\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    expect(segmentId, page.url()).toBeTruthy();
    await screenshot(page, 'broadcast-00-segment');

    // The create flow, from the list. Nothing filled in yet: the form says what is missing instead of moving on.
    await menu.getByRole('link', { name: 'Рассылки' }).click();
    await page.getByRole('link', { name: 'Новая рассылка' }).click();
    await page.getByRole('heading', { name: 'Новая рассылка' }).waitFor();
    await page.getByRole('button', { name: 'Далее' }).click();
    await page.getByRole('alert').filter({ hasText: 'Заполните' }).waitFor();
    await page.getByLabel('Название (видно только вам)').fill('Весенняя распродажа');
    await page.getByLabel('Бот', { exact: true }).selectOption(channelId);
    await page.getByRole('radio', { name: 'Сохранённому сегменту' }).check();
    await page.getByLabel('Сегмент', { exact: true }).selectOption({ label: 'Клиенты бота' });
    await page.getByTestId('audience-count').filter({ hasText: 'Контактов в аудитории сейчас: 3' }).waitFor();
    await screenshot(page, 'broadcast-01-audience');
    await page.getByRole('button', { name: 'Далее' }).click();

    // The message with a link button, previewed as Telegram shows it: rendered by the API for the sample contact, the
    // markup becoming elements, never HTML from a string.
    await page.getByLabel('Текст', { exact: true }).fill('<b>Весна!</b> Скидка 20%, {{ contact.firstName }}');
    await page.getByRole('button', { name: 'Добавить кнопку-ссылку' }).click();
    const editor = page.getByTestId('button-editor');
    await editor.getByLabel('Текст кнопки').fill('В магазин');
    await editor.getByLabel('Адрес').fill(SHOP_URL);
    const preview = page.getByTestId('telegram-preview');
    await preview.locator('strong', { hasText: 'Весна!' }).waitFor();
    await preview.getByText('Скидка 20%, Анна').waitFor();
    await preview.locator('.tg-button', { hasText: 'В магазин' }).waitFor();
    await screenshot(page, 'broadcast-02-message');
    await page.getByRole('button', { name: 'Далее' }).click();

    // Started a few seconds ahead, typed in the user's Moscow time (not the browser's UTC), with the estimate spelled out.
    const startAt = moscowInputValue(8_000);
    await page.getByRole('radio', { name: 'В назначенное время' }).check();
    await page.getByLabel('Начать (часовой пояс Europe/Moscow)').fill(startAt);
    await screenshot(page, 'broadcast-03-schedule');
    await page.getByRole('button', { name: 'Далее' }).click();
    const estimate = page.getByTestId('estimate');
    // 3 recipients at the default 30 messages a second: one second.
    await estimate.getByText(/Примерное время отправки: 1\s+с/).waitFor();
    expect(await estimate.textContent()).toContain('3 получателей ÷ ограничение бота 30 сообщений в секунду');
    await screenshot(page, 'broadcast-04-confirm');
    bot.blockedBy(eve.id);
    await page.getByRole('button', { name: 'Создать и запланировать' }).click();
    await page.waitForURL(/\/broadcasts\/[0-9a-f-]{36}$/);
    broadcastUrl = page.url();
    await page.getByRole('heading', { name: 'Весенняя распродажа' }).waitFor();
    await page.evaluate('window.sameDocument = true');
    const stored = await api('GET', `/api/v1/broadcasts/${broadcastUrl.split('/').pop()}`);
    // The saved segment, and the typed Moscow wall-clock time stored as that instant (Moscow is UTC+3 all year).
    expect(stored.json()).toMatchObject({
      segmentId,
      scheduledAt: new Date(`${startAt}+03:00`).toISOString(),
    });

    // The bar reaches 100% live, without a reload, and the results count the contact who blocked the bot.
    await page.getByTestId('broadcast-percent').filter({ hasText: '100%' }).waitFor();
    await page.getByTestId('broadcast-status').getByText('Завершена').waitFor();
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    await screenshot(page, 'broadcast-05-completed');
    const results = page.getByTestId('broadcast-results');
    expect(await results.locator('[data-outcome="sent"] .bc-tile-value').textContent()).toBe('2');
    expect(await results.locator('[data-outcome="blocked"] .bc-tile-value').textContent()).toBe('1');

    // The customers got the text rendered for them, with the link button (no https PUBLIC_URL: sent as written).
    const sent = bot.sent.filter((c) => c.method === 'sendMessage');
    const toIvan = sent.find((c) => String(c.chatId) === String(ivan.id));
    expect(toIvan?.params.text).toBe('<b>Весна!</b> Скидка 20%, Иван');
    expect(JSON.stringify(toIvan?.params.reply_markup)).toContain(SHOP_URL);

    // The recipients table, filtered to those who blocked the bot: Eve alone.
    await page.getByRole('checkbox', { name: 'Заблокировали бота' }).check();
    const rows = page.getByTestId('delivery-row');
    await rows.filter({ hasText: 'Eve' }).waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-status')).toBe('blocked');
    await screenshot(page, 'broadcast-06-recipients');
    // The whole path in one test: the budget of the five steps it replaces.
  }, 150_000);

  it('exports the recipients as CSV', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Выгрузить CSV' }).click();
    const file = await download;
    const path = await file.path();
    const { readFile } = await import('node:fs/promises');
    const csv = (await readFile(path)).toString('utf8');
    // Russian locale: a byte-order mark and semicolons, for Excel.
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.split('\n')[0]).toContain('contact_id;');
    expect(csv.split('\n').filter((l) => l.includes(';blocked;'))).toHaveLength(1);
  });

  it('sends a test to one contact found by name', async () => {
    const before = bot.sent.filter((c) => String(c.chatId) === String(ivan.id)).length;
    await page.getByLabel('Найти контакт').fill('Иван');
    await page.getByRole('button', { name: /Иван Петров/ }).click();
    await page.getByRole('button', { name: 'Отправить тест' }).click();
    await page.getByRole('status').filter({ hasText: 'Отправлено. Проверьте Telegram.' }).waitFor();
    expect(bot.sent.filter((c) => String(c.chatId) === String(ivan.id)).length).toBe(before + 1);
  });

  it('duplicates the broadcast into a new draft', async () => {
    await page.getByRole('button', { name: 'Дублировать' }).click();
    await page.getByRole('heading', { name: 'Весенняя распродажа (copy)' }).waitFor();
    expect(page.url()).not.toBe(broadcastUrl);
    await page.getByTestId('broadcast-status').getByText('Черновик').waitFor();
    await page.getByRole('button', { name: 'Запустить сейчас' }).waitFor();
    await screenshot(page, 'broadcast-07-duplicate');
  });

  it('edits the draft copy in the same flow: a new name and a photo, prefilled and saved', async () => {
    const id = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('link', { name: 'Изменить' }).click();
    await page.getByRole('heading', { name: 'Изменить рассылку' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/broadcasts/${id}/edit`);
    const title = page.getByLabel('Название (видно только вам)');
    expect(await title.inputValue()).toBe('Весенняя распродажа (copy)');
    expect(await page.getByRole('radio', { name: 'Сохранённому сегменту' }).isChecked()).toBe(true);
    await title.fill('Весенняя распродажа, повтор');
    await page.getByRole('button', { name: 'Далее' }).click();
    expect(await page.getByLabel('Текст', { exact: true }).inputValue()).toBe(
      '<b>Весна!</b> Скидка 20%, {{ contact.firstName }}',
    );
    await page.getByLabel('Прикрепить фото или файл').setInputFiles({
      name: 'spring.png',
      mimeType: 'image/png',
      buffer: PNG_1X1,
    });
    await page.getByTestId('broadcast-attachment').filter({ hasText: 'spring.png' }).waitFor();
    await page.getByTestId('preview-attachment').filter({ hasText: 'spring.png' }).waitFor();
    await screenshot(page, 'broadcast-07b-edit-photo');
    await page.getByRole('button', { name: 'Далее' }).click();
    await page.getByRole('button', { name: 'Далее' }).click();
    await page.getByRole('button', { name: 'Сохранить изменения' }).click();
    await page.getByRole('heading', { name: 'Весенняя распродажа, повтор' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/broadcasts/${id}`);
    const stored = (await api('GET', `/api/v1/broadcasts/${id}`)).json();
    expect(stored).toMatchObject({
      title: 'Весенняя распродажа, повтор',
      status: 'draft',
      attachmentId: expect.any(String),
      buttons: [[{ kind: 'url', text: 'В магазин', url: SHOP_URL }]],
    });
    // A test send (to the contact remembered from the last one) carries the photo, the text as its caption.
    const before = bot.sent.length;
    await page.getByRole('button', { name: 'Отправить тест' }).click();
    await page.getByRole('status').filter({ hasText: 'Отправлено. Проверьте Telegram.' }).waitFor();
    const photo = bot.sent.slice(before).find((c) => c.method === 'sendPhoto');
    expect(photo?.params.caption).toBe('<b>Весна!</b> Скидка 20%, Иван');
  });

  it('pauses, resumes and cancels the copy while it sends', async () => {
    // Telegram asks the bot to wait a minute: the broadcast stays "sending" with recipients left, long enough to act on.
    // The copy now sends a photo with a caption.
    bot.failNext('sendPhoto', {
      error_code: 429,
      description: 'Too Many Requests: retry after 60',
      retry_after: 60,
    });
    page.once('dialog', (d) => void d.accept());
    const status = page.getByTestId('broadcast-status');
    await page.getByRole('button', { name: 'Запустить сейчас' }).click();
    await status.getByText('Отправляется').waitFor();
    await page.getByRole('button', { name: 'Приостановить' }).click();
    await status.getByText('Приостановлена').waitFor();
    await page.getByRole('button', { name: 'Продолжить' }).click();
    await status.getByText('Отправляется').waitFor();
    await page.getByRole('button', { name: 'Отменить рассылку' }).click();
    await status.getByText('Отменена').waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    expect((await api('GET', `/api/v1/broadcasts/${id}`)).json().status).toBe('cancelled');
    // The dark theme keeps the page readable too.
    await page.evaluate("localStorage.setItem('switchboard.theme', 'dark')");
    await page.reload();
    await status.getByText('Отменена').waitFor();
    await screenshot(page, 'broadcast-08-cancelled-dark');
    await page.evaluate("localStorage.removeItem('switchboard.theme')");
  });
});
