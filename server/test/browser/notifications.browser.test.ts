import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { eventually } from '../support/eventually.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { type TgUser, textUpdate } from '../telegram/receiving.helpers.ts';
import { type Browser, buildWebApp, screenshot } from './browser.ts';
import { closeAll, connectQuietBot, openAppInBrowser, signIn } from './browser-app.ts';

/**
 * Notifications in a real Chromium against a real Switchboard and the fake Telegram server: the types with their
 * channels and templates, a custom type created in the page, a test sent from the form through the real delivery path,
 * and the log (filters, the state history) showing it sent.
 */

const PASSWORD = 'password123';
const WAIT = 30_000;

let tg: FakeTelegram;
let app: TestApp;
let bot: FakeBot;
let browser: Browser;
let page: Page;
let baseUrl: string;
let adminEmail: string;

const ivan: TgUser = {
  id: 77_701,
  first_name: 'Иван',
  last_name: 'Сидоров',
  username: 'ivan_s',
  language_code: 'ru',
};

beforeAll(async () => {
  await buildWebApp();
  tg = await FakeTelegram.start({ enforceLimits: false });
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  ({ bot } = await connectQuietBot(app, tg));
  adminEmail = `nt-admin-${process.pid}@example.com`;
  await app.userWithRole('admin', { email: adminEmail, password: PASSWORD });
  // The customer writes to the bot once: a contact with a Telegram identity to notify.
  bot.queueUpdate(textUpdate(ivan, 'Здравствуйте'));
  await eventually(
    () => app.services.ctx.db.selectFrom('contactChannels').select('id').executeTakeFirst(),
    WAIT,
    'customer stored',
  );
  ({ browser, page, baseUrl } = await openAppInBrowser(app, 'ru-RU', WAIT));
}, 180_000);

afterAll(() => closeAll(browser, app, tg));

describe('notifications in the browser', () => {
  it('shows the types with their channels and templates, in the reader language', async () => {
    await signIn(page, `${baseUrl}/`, { email: adminEmail, password: PASSWORD, language: 'ru' });
    await page.getByRole('navigation', { name: 'Главное меню' }).waitFor();
    await page.getByRole('link', { name: 'Уведомления' }).click();
    await page.getByRole('link', { name: 'Типы' }).click();
    const payment = page.getByTestId('notification-type').filter({ hasText: 'payment_success' });
    // "Оплата получена / Payment received": a Russian reader sees the Russian half.
    await payment.getByRole('heading', { name: 'Оплата получена', exact: true }).waitFor();
    await payment.getByText('1. Telegram').waitFor();
    await screenshot(page, 'notifications-01-types');
  });

  it('creates a custom type with a Telegram template', async () => {
    await page.getByRole('button', { name: 'Новый тип' }).click();
    const form = page.getByRole('form', { name: 'Новый тип' });
    await form.getByLabel('Ключ (его ваша система передаёт как «type»)').fill('order_shipped');
    await form.getByLabel('Название').fill('Заказ отправлен / Order shipped');
    await form
      .getByLabel('Шаблон для канала Telegram')
      .selectOption({ label: 'Оплата получена / Payment received (Telegram)' });
    await form.getByRole('button', { name: 'Создать тип' }).click();
    const created = page.getByTestId('notification-type').filter({ hasText: 'order_shipped' });
    await created.getByRole('heading', { name: 'Заказ отправлен', exact: true }).waitFor();
    const stored = await app.services.ctx.db
      .selectFrom('notificationTypes')
      .select(['key', 'channels', 'telegramTemplateId'])
      .where('key', '=', 'order_shipped')
      .executeTakeFirstOrThrow();
    expect(stored.channels).toEqual(['telegram']);
    expect(stored.telegramTemplateId).not.toBeNull();
  });

  it('sends a test from the form and sees it sent', async () => {
    await page.getByRole('link', { name: 'Тестовая отправка' }).click();
    await page.getByLabel('Тип', { exact: true }).selectOption({ label: 'Заказ отправлен' });
    // The data starts as the template's sample data.
    expect(await page.getByLabel('Данные для шаблона (JSON)').inputValue()).toContain('amount');
    await page.getByLabel('Контакту').fill('Иван');
    await page.getByRole('button', { name: /Иван Сидоров/ }).click();
    await page.getByTestId('chosen-contact').filter({ hasText: 'Иван Сидоров' }).waitFor();
    await page.getByRole('button', { name: 'Отправить', exact: true }).click();
    await page.getByTestId('sent-result').getByText('Отправлено').waitFor();
    const sent = bot.sent.filter((c) => c.method === 'sendMessage' && String(c.chatId) === String(ivan.id));
    expect(sent).toHaveLength(1);
    await screenshot(page, 'notifications-02-send');
  });

  it('finds it in the log by status and type, with its state history', async () => {
    await page.getByRole('link', { name: 'Журнал' }).click();
    const rows = page.getByTestId('notification-row');
    await rows.first().waitFor();
    expect(await rows.first().getAttribute('data-status')).toBe('sent');

    await page.getByRole('checkbox', { name: 'Ошибка' }).check();
    await page.getByText('Уведомлений не найдено.').waitFor();
    expect(new URL(page.url()).searchParams.get('status')).toBe('failed');
    await page.getByRole('checkbox', { name: 'Ошибка' }).uncheck();
    await page.getByRole('checkbox', { name: 'Отправлено' }).check();
    await page.getByLabel('Тип', { exact: true }).selectOption({ label: 'Заказ отправлен' });
    await rows.filter({ hasText: 'Заказ отправлен' }).waitFor();
    expect(await rows.count()).toBe(1);
    await page.getByLabel('Тип', { exact: true }).selectOption({ label: 'Оплата получена' });
    await page.getByText('Уведомлений не найдено.').waitFor();
    await page.getByLabel('Тип', { exact: true }).selectOption({ label: 'Заказ отправлен' });
    await screenshot(page, 'notifications-03-log');

    // The filters live in the address: a reload shows the same rows.
    await page.reload();
    await rows.filter({ hasText: 'Заказ отправлен' }).waitFor();

    await rows.first().getByRole('link').click();
    const history = page.getByTestId('notification-history');
    await history.getByText('Поставлено в очередь', { exact: true }).waitFor();
    await history.getByText('Отправлено', { exact: true }).waitFor();
    await screenshot(page, 'notifications-04-detail');
  });
});
