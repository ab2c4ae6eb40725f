import { readFile } from 'node:fs/promises';
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { eventually } from '../support/eventually.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { type TgUser, textUpdate } from '../telegram/receiving.helpers.ts';
import { type Browser, buildWebApp, screenshot } from './browser.ts';
import { closeAll, connectQuietBot, openAppInBrowser } from './browser-app.ts';

/**
 * The operator's main path in a real Chromium against a real Switchboard and the fake Telegram server: sign in, a
 * customer writes, the message shows up live, reply, resolve, languages, a phone screen, hostile customer text.
 * The tests run in order and share one signed-in page, as an operator's day would.
 */

const PASSWORD = 'password123';
const WAIT = 20_000;

let tg: FakeTelegram;
let app: TestApp;
let bot: FakeBot;
let browser: Browser;
let page: Page;
let baseUrl: string;
let adminEmail: string;
let adminToken: string;
let conversationUrl = '';
let nextMessageId = 700_000;

const ivan: TgUser = {
  id: 55_501,
  first_name: 'Иван',
  last_name: 'Петров',
  username: 'ivan_p',
  language_code: 'ru',
};
const eve: TgUser = { id: 55_502, first_name: 'Eve', username: 'eve_x' };
const olga: TgUser = { id: 55_503, first_name: 'Ольга' };
const petr: TgUser = { id: 55_504, first_name: 'Пётр' };

/** A customer writes to the bot (the fake queues the update; Switchboard's poller takes it). */
function customerSays(user: TgUser, text: string) {
  const update = textUpdate(user, text);
  update.message.message_id = nextMessageId += 10;
  bot.queueUpdate(update);
}

beforeAll(async () => {
  await buildWebApp();
  tg = await FakeTelegram.start({ enforceLimits: false });
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  ({ bot } = await connectQuietBot(app, tg));
  adminEmail = `web-admin-${process.pid}@example.com`;
  adminToken = (await app.userWithRole('admin', { email: adminEmail, password: PASSWORD })).token;
  ({ browser, page, baseUrl } = await openAppInBrowser(app, 'ru-RU', WAIT));
}, 120_000);

afterAll(() => closeAll(browser, app, tg));

describe('operator in the browser', () => {
  it('signs in with email and password, in the browser language', async () => {
    await page.goto(`${baseUrl}/`);
    await page.getByRole('heading', { name: 'Вход' }).waitFor();
    await screenshot(page, '01-login');
    await page.getByLabel('Эл. почта').fill(adminEmail);
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('navigation', { name: 'Главное меню' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/inbox');
    await page.getByText('В сети', { exact: true }).waitFor();
    await screenshot(page, '02-inbox-empty');
  });

  it('shows a customer message injected through Telegram without a reload', async () => {
    // A marker on the page's window: it survives only if the page is never reloaded.
    await page.evaluate('window.sameDocument = true');
    customerSays(ivan, 'Здравствуйте! Где мой заказ?');
    const item = page.getByTestId('conversation-list').getByRole('link', { name: /Иван Петров/ });
    await item.waitFor();
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    await item.click();
    await page.getByTestId('message').filter({ hasText: 'Где мой заказ?' }).waitFor();
    conversationUrl = page.url();
    await screenshot(page, '03-inbox-thread');
    // 1280×800 beside the side menu: every view button, filter and the search box sits inside the list column, none clipped.
    expect(page.viewportSize()).toEqual({ width: 1280, height: 800 });
    const outside = await page.evaluate(`(() => {
      const column = document.querySelector('.inbox-list').getBoundingClientRect();
      const tools = document.querySelector('.list-tools');
      const controls = [...tools.querySelectorAll('button, select, input')];
      const clipped = controls
        .filter((el) => { const r = el.getBoundingClientRect(); return r.left < column.left - 0.5 || r.right > column.right + 0.5; })
        .map((el) => el.textContent || el.getAttribute('placeholder') || el.tagName);
      if (tools.scrollWidth > tools.clientWidth) clipped.push('list-tools overflow');
      return { count: controls.length, clipped };
    })()`);
    expect(outside).toEqual({ count: expect.any(Number), clipped: [] });
    expect((outside as { count: number }).count).toBeGreaterThanOrEqual(6);
  });

  it('replies, and the fake Telegram server receives the reply', async () => {
    await page.locator('#composer-text').fill('Ваш заказ <в пути> & скоро будет');
    await page.getByRole('button', { name: 'Отправить' }).click();
    const sent = await eventually(
      async () => bot.sent.find((c) => c.method === 'sendMessage' && String(c.chatId) === String(ivan.id)),
      WAIT,
      'reply sent to Telegram',
    );
    // Typed as plain text: escaped for Telegram's HTML mode, so the customer reads exactly what was typed.
    expect(sent.params.text).toBe('Ваш заказ &lt;в пути&gt; &amp; скоро будет');
    const reply = page.getByTestId('message').filter({ hasText: 'Ваш заказ <в пути> & скоро будет' });
    await reply.getByTestId('delivery').filter({ hasText: 'Отправлено' }).waitFor();
  });

  it('adds a private note that is never sent to Telegram', async () => {
    await page.keyboard.press('Escape');
    await page.locator('body').press('n');
    await page.locator('#composer-text').fill('VIP, отвечать вежливо');
    await page.getByRole('button', { name: 'Добавить заметку' }).click();
    await page
      .getByTestId('message')
      .filter({ hasText: 'VIP, отвечать вежливо' })
      .getByText('Заметка')
      .waitFor();
    expect(
      bot.sent.filter((c) => String(c.chatId) === String(ivan.id)).map((c) => c.params.text),
    ).not.toContain('VIP, отвечать вежливо');
  });

  it('puts a canned response in the composer by its short code', async () => {
    const created = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/canned-responses',
      headers: bearer(adminToken),
      payload: { shortCode: 'thanks', content: 'Спасибо, {{ contact.firstName }}!' },
    });
    expect(created.statusCode, created.body).toBe(201);
    await page.getByRole('button', { name: 'Ответ', exact: true }).click();
    await page.locator('#composer-text').fill('/than');
    await page.getByRole('button', { name: /\/thanks/ }).waitFor();
    await page.locator('#composer-text').press('Enter');
    await eventually(
      async () => (await page.locator('#composer-text').inputValue()) === 'Спасибо, Иван!',
      WAIT,
    );
    await page.locator('#composer-text').fill('');
  });

  it('resolves the conversation', async () => {
    await page.getByRole('button', { name: 'Решить' }).click();
    await page.getByRole('button', { name: 'Открыть снова' }).waitFor();
    const id = conversationUrl.split('/').pop()!;
    const stored = await app.services.ctx.repos.conversations.get(id);
    expect(stored?.status).toBe('resolved');
    await screenshot(page, '04-inbox-resolved');
  });

  it('switches to English and back, and keeps the choice in the profile', async () => {
    await page.getByTestId('language-switch').first().selectOption('en');
    await page.getByRole('link', { name: 'Inbox' }).waitFor();
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    const inEnglish = await eventually(async () => {
      const u = await app.services.ctx.repos.users.getByEmail(adminEmail);
      return u?.locale === 'en' ? u : undefined;
    }, WAIT);
    expect(inEnglish.locale).toBe('en');
    await screenshot(page, '05-inbox-english');
    await page.getByTestId('language-switch').first().selectOption('ru');
    await page.getByRole('link', { name: 'Входящие' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('ru');
  });

  it('shows a customer message with <script> and HTML as text', async () => {
    const hostile = '<script>window.__pwned = 1</script><b>bold?</b><img src=x onerror="window.__pwned = 2">';
    customerSays(eve, hostile);
    const item = page.getByTestId('conversation-list').getByRole('link', { name: /Eve/ });
    await item.waitFor();
    await item.click();
    const message = page.getByTestId('message').filter({ hasText: '<script>window.__pwned = 1</script>' });
    await message.waitFor();
    expect(await message.locator('.content').textContent()).toBe(hostile);
    expect(await message.locator('script, b, img').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    await screenshot(page, '06-hostile-text');
  });

  it('previews a photo the customer sent and offers it for download', async () => {
    const png = await readFile(new URL('../../../web/public/icons/icon-192.png', import.meta.url));
    const file = bot.files.add({ bytes: png, filePath: 'photos/receipt.png' });
    const update = textUpdate(olga, '');
    const { text: _text, ...message } = update.message;
    nextMessageId += 10;
    bot.queueUpdate({
      ...update,
      message: {
        ...message,
        message_id: nextMessageId,
        caption: 'Фото чека',
        photo: [
          {
            file_id: file.fileId,
            file_unique_id: 'receipt-1',
            width: 192,
            height: 192,
            file_size: png.length,
          },
        ],
      },
    });
    await page.getByTestId('conversation-list').getByRole('link', { name: /Ольга/ }).click();
    const photo = page.getByTestId('message').filter({ hasText: 'Фото чека' }).locator('img');
    await photo.waitFor();
    // Shown from a blob: URL fetched with the bearer token, allowed by the page's CSP, and actually decoded.
    expect(await photo.getAttribute('src')).toMatch(/^blob:/);
    const decodedWidth = () =>
      photo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    expect(await eventually(async () => (await decodedWidth()) || undefined, WAIT)).toBe(192);
    await page.getByRole('button', { name: /Скачать/ }).waitFor();
    await screenshot(page, '07-photo');
  });

  it('lists the keyboard shortcuts on ?', async () => {
    await page.locator('body').press('?');
    const dialog = page.getByRole('dialog', { name: 'Горячие клавиши' });
    await dialog.waitFor();
    expect(await dialog.getByText('Следующий диалог').count()).toBe(1);
    await screenshot(page, '08-shortcuts');
    await dialog.getByRole('button', { name: 'Закрыть' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('is usable on a phone-sized screen: the list, then the conversation with its composer', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/inbox`);
    const item = page.getByTestId('conversation-list').getByRole('link', { name: /Eve/ });
    await item.waitFor();
    await screenshot(page, '09-phone-list');
    await item.click();
    await page.locator('#composer-text').waitFor();
    expect(await page.getByTestId('conversation-list').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Решить' }).isVisible()).toBe(true);
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await screenshot(page, '10-phone-thread');
    await page.getByRole('link', { name: 'Назад к списку' }).click();
    await page.getByTestId('conversation-list').waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('catches up after the realtime socket was away, without a reload', async () => {
    // The socket goes through a route the test controls: it can drop it and keep it away, like a sleeping laptop.
    let away = false;
    const live: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/api\/v1\/realtime/, (ws) => {
      if (away) return ws.close();
      ws.connectToServer();
      live.push(ws);
    });
    await page.reload();
    await page.getByText('В сети', { exact: true }).waitFor();
    await page.evaluate('window.sameDocument = true');

    away = true;
    for (const ws of live.splice(0)) await ws.close();
    await page.getByText('Переподключение…', { exact: true }).waitFor();
    customerSays(petr, 'Алло, вы тут?');
    // Stored (and its event published to nobody) while the socket is away.
    await eventually(
      () =>
        app.services.ctx.db
          .selectFrom('messages')
          .select('id')
          .where('content', '=', 'Алло, вы тут?')
          .executeTakeFirst(),
      WAIT,
      'message stored',
    );
    const item = page.getByTestId('conversation-list').getByRole('link', { name: /Пётр/ });
    expect(await item.count()).toBe(0);

    away = false;
    await item.waitFor();
    expect(await page.evaluate('window.sameDocument')).toBe(true);
  });

  it('shows the profile and channels pages', async () => {
    await page.getByRole('link', { name: 'Профиль' }).click();
    await page.getByRole('heading', { name: 'Профиль' }).waitFor();
    expect(await page.getByLabel('Часовой пояс').inputValue()).not.toBe('');
    await screenshot(page, '11-profile');
    await page.getByLabel('Тема').selectOption('dark');
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(15, 23, 42)');
    await screenshot(page, '11-profile-dark');
    await page.getByLabel('Тема').selectOption('system');
    await page.getByRole('link', { name: 'Настройки' }).click();
    await page.getByRole('heading', { name: 'Подключённые каналы' }).waitFor();
    await page.getByText(`@${bot.info.username}`).waitFor();
    await screenshot(page, '12-channels');
  });

  it('signs out back to the login page', async () => {
    await page.getByRole('button', { name: 'Выйти' }).click();
    await page.getByRole('heading', { name: 'Вход' }).waitFor();
    expect(await page.evaluate("localStorage.getItem('switchboard.session')")).toBeNull();
  });
});
