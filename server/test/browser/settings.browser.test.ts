import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpSink } from '../fakes/smtp-sink.ts';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { newBot } from '../telegram/receiving.helpers.ts';
import { type Browser, buildWebApp, screenshot } from './browser.ts';
import { closeAll, openAppInBrowser, signIn } from './browser-app.ts';

/**
 * An admin sets Switchboard up in a real Chromium against a real Switchboard, the fake Telegram server and a real SMTP
 * server: connects a bot by its token (a wrong token and a second connection are refused on the token field) and sees it
 * healthy, sets Saturday hours and a CSAT question, adds a mailbox (a refused SMTP login shown on its field), invites a colleague, creates an
 * API key whose secret is shown once, a label and a canned response, and uses the menu on a phone-sized screen. The tests
 * run in order and share one signed-in page.
 */

const PASSWORD = 'password123';
const WAIT = 20_000;

let tg: FakeTelegram;
let smtp: SmtpSink;
let app: TestApp;
let browser: Browser;
let page: Page;
let baseUrl: string;
let adminEmail: string;
let adminToken: string;
let bot: ReturnType<typeof newBot>;

/** What the API says now, read as the admin (the page's claims are checked against it). */
async function read<T>(url: string): Promise<T> {
  const res = await app.http!.inject({ method: 'GET', url, headers: bearer(adminToken) });
  expect(res.statusCode, url).toBe(200);
  return res.json() as T;
}

beforeAll(async () => {
  await buildWebApp();
  tg = await FakeTelegram.start({ enforceLimits: false });
  smtp = await SmtpSink.start({ user: 'shop', password: 'right-password' });
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  bot = newBot(tg);
  adminEmail = `settings-admin-${process.pid}@example.com`;
  adminToken = (await app.userWithRole('admin', { email: adminEmail, password: PASSWORD })).token;
  ({ browser, page, baseUrl } = await openAppInBrowser(app, 'ru-RU', WAIT));
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
}, 120_000);

afterAll(() => closeAll(browser, app, tg, smtp));

describe('settings in the browser', () => {
  it('connects a bot by its token with clear feedback, and shows it healthy', async () => {
    await signIn(page, `${baseUrl}/`, { email: adminEmail, password: PASSWORD, language: 'ru' });
    await page
      .getByRole('navigation', { name: 'Главное меню' })
      .getByRole('link', { name: 'Настройки' })
      .click();
    await page.getByRole('heading', { name: 'Подключить Telegram-бота' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/settings/channels');

    await page.locator('#channel-name').fill('Поддержка');
    await page.getByLabel('Токен бота от @BotFather').fill(`${bot.id}:AAwrong-token-for-this-bot`);
    await page.getByRole('button', { name: 'Подключить Telegram-бота' }).click();
    // Telegram's refusal is shown on the token field, and nothing was created.
    const tokenError = page.locator('#channel-token-error');
    await tokenError.waitFor();
    expect(await tokenError.textContent()).toMatch(/Unauthorized/i);
    expect((await read<{ data: unknown[] }>('/api/v1/channels')).data).toHaveLength(0);
    await screenshot(page, 'settings-01-bad-token');

    await page.getByLabel('Токен бота от @BotFather').fill(bot.token);
    await page.getByRole('button', { name: 'Подключить Telegram-бота' }).click();
    await page.getByText(`Бот @${bot.bot.info.username} подключён.`).waitFor();
    expect(await tokenError.count()).toBe(0);
    await page.getByRole('link', { name: 'Поддержка' }).waitFor();

    // The same bot again: refused on the token field, naming the channel it already is.
    await page.locator('#channel-name').fill('Ещё раз');
    await page.getByLabel('Токен бота от @BotFather').fill(bot.token);
    await page.getByRole('button', { name: 'Подключить Telegram-бота' }).click();
    await tokenError.filter({ hasText: 'already connected as channel "Поддержка"' }).waitFor();
    expect((await read<{ data: unknown[] }>('/api/v1/channels')).data).toHaveLength(1);

    await page.getByRole('link', { name: 'Поддержка' }).click();
    const health = page.getByTestId('channel-health');
    // Polling (the test server has no https address) with a worker holding the bot: healthy.
    await health.getByText('Работает', { exact: true }).waitFor();
    await health.getByText('Опрос', { exact: true }).waitFor();
    await health.getByText(/^процесс \d+/).waitFor();
    await page.getByText(`@${bot.bot.info.username}`).first().waitFor();
    await screenshot(page, 'settings-02-channel');

    // The staff-bot switch, explained in a line under it, is stored on the channel; switched back for the rest of the file.
    const botCard = page.getByRole('region', { name: 'Бот', exact: true });
    const staffSwitch = botCard.getByRole('switch', { name: 'Бот для сотрудников' });
    await botCard.getByText('его чаты не попадают во входящие', { exact: false }).waitFor();
    const channelId = new URL(page.url()).pathname.split('/').pop()!;
    for (const on of [true, false]) {
      await staffSwitch.setChecked(on);
      await botCard.getByRole('button', { name: 'Сохранить', exact: true }).click();
      await botCard.getByText('Сохранено.').waitFor();
      expect((await read<{ staffBot: boolean }>(`/api/v1/channels/${channelId}`)).staffBot).toBe(on);
      expect(await staffSwitch.isChecked()).toBe(on);
    }
  }, 60_000);

  it('saves business hours and a CSAT question of its own edited on the channel page', async () => {
    await page.getByLabel('Учитывать рабочие часы (вне их уходит текст для нерабочего времени)').check();
    const saturday = page.getByRole('group', { name: 'Суббота' });
    await saturday.getByRole('button', { name: 'Добавить часы' }).click();
    await saturday.getByLabel('Суббота, интервал 1: до').fill('14:00');
    // CSAT: the Russian question replaced; the empty English one shows the built-in text it stands for.
    await page.getByLabel('Просить оценку, когда диалог решён').check();
    await page.getByLabel('Вопрос над кнопками 1–5 (Русский)').fill('Как мы справились? Оцените от 1 до 5.');
    const english = page.getByLabel('Вопрос над кнопками 1–5 (English)');
    await expect
      .poll(() => english.getAttribute('placeholder'), { timeout: WAIT })
      .toBe('How would you rate our help? From 1 (poor) to 5 (excellent).');
    expect(await english.inputValue()).toBe('');
    await page.getByRole('button', { name: 'Сохранить настройки диалогов' }).click();
    // This form's own confirmation (the bot form above may still show its own).
    await page
      .getByRole('form', { name: 'Работа с диалогами' })
      .getByRole('status')
      .filter({ hasText: 'Сохранено.' })
      .waitFor();
    const channels = await read<{ data: { id: string }[] }>('/api/v1/channels');
    const settings = await read<{
      businessHours: { enabled: boolean; week: Record<string, unknown[]> };
      csat: { enabled: boolean; question: { ru: string; en: string } };
    }>(`/api/v1/channels/${channels.data[0]!.id}/inbox-settings`);
    expect(settings.businessHours.enabled).toBe(true);
    expect(settings.businessHours.week.sat).toEqual([{ from: '09:00', to: '14:00' }]);
    expect(settings.businessHours.week.sun).toEqual([]);
    expect(settings.csat).toMatchObject({
      enabled: true,
      question: { ru: 'Как мы справились? Оцените от 1 до 5.', en: '' },
    });
    await screenshot(page, 'settings-03-business-hours');
  });

  it('adds a mailbox: a refused SMTP login is shown on the password field, then it connects', async () => {
    await page
      .getByRole('navigation', { name: 'Разделы настроек' })
      .getByRole('link', { name: 'Каналы' })
      .click();
    await page.locator('summary', { hasText: 'Подключить почтовый ящик' }).click();
    await page.locator('#email-new-name').fill('Почта');
    await page.locator('#email-new-address').fill('help@shop.test');
    await page.locator('#email-new-smtpHost').fill('127.0.0.1');
    await page.locator('#email-new-smtpPort').fill(String(smtp.port));
    await page.locator('#email-new-smtpUser').fill('shop');
    await page.locator('#email-new-smtpPassword').fill('wrong-password');
    await page.locator('#email-new-inbound').selectOption('none');
    await page.locator('form.email-form').getByRole('button', { name: 'Подключить почтовый ящик' }).click();
    const error = page.locator('#email-new-smtpPassword-error');
    await error.filter({ hasText: 'SMTP login refused' }).waitFor();
    await screenshot(page, 'settings-04-mailbox-refused');

    await page.locator('#email-new-smtpPassword').fill('right-password');
    await page.locator('form.email-form').getByRole('button', { name: 'Подключить почтовый ящик' }).click();
    await page.getByText('Ящик help@shop.test подключён.').waitFor();
    expect(await error.count()).toBe(0);
    const channels = await read<{ data: { type: string; settings: { smtp?: Record<string, unknown> } }[] }>(
      '/api/v1/channels',
    );
    expect(channels.data.map((c) => c.type).sort()).toEqual(['email', 'telegram']);
    const mailbox = channels.data.find((c) => c.type === 'email')!;
    expect(mailbox.settings.smtp).toMatchObject({ user: 'shop', passwordSet: true });
    expect(mailbox.settings.smtp).not.toHaveProperty('password');
  });

  it('invites a colleague without a password and shows a sign-in link for them', async () => {
    await page
      .getByRole('navigation', { name: 'Разделы настроек' })
      .getByRole('link', { name: 'Пользователи' })
      .click();
    await page.getByRole('heading', { name: 'Пользователи и роли' }).waitFor();
    await page.locator('#user-email').fill('anna@example.com');
    await page.locator('#user-displayName').fill('Анна Смирнова');
    await page.locator('#user-role').selectOption('agent');
    await page.getByRole('button', { name: 'Создать пользователя' }).click();
    await page.getByText('Анна Смирнова теперь может войти.').waitFor();
    const link = await page.locator('#login-link').inputValue();
    expect(link).toMatch(/\/login\?token=/);
    await page.getByRole('cell', { name: 'anna@example.com' }).waitFor();
    const users = await read<{ data: { email: string; role: string; active: boolean }[] }>('/api/v1/users');
    expect(users.data.find((u) => u.email === 'anna@example.com')).toMatchObject({
      role: 'agent',
      active: true,
    });
    // An address already taken is refused by the API and shown on the field.
    await page.locator('#user-email').fill('anna@example.com');
    await page.locator('#user-displayName').fill('Анна ещё раз');
    await page.getByRole('button', { name: 'Создать пользователя' }).click();
    await page.locator('#user-email-error').filter({ hasText: 'already taken' }).waitFor();
    await screenshot(page, 'settings-05-users');
  });

  it('creates an API key whose secret is shown once, copied, and works', async () => {
    await page.getByRole('link', { name: 'API-ключи' }).click();
    await page.locator('#api-key-name').fill('CRM');
    await page.locator('#api-key-role').selectOption('marketing');
    await page.getByRole('button', { name: 'Создать API-ключ' }).click();
    await page.getByRole('heading', { name: 'Ключ CRM создан' }).waitFor();
    const secret = await page.locator('#api-key-secret').inputValue();
    expect(secret).toMatch(/^sbk_/);
    await page.getByRole('button', { name: 'Копировать' }).click();
    await page.getByText('Скопировано в буфер обмена.').waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
    await screenshot(page, 'settings-06-api-key-secret');

    const me = await app.http!.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(secret) });
    expect(me.json()).toMatchObject({ kind: 'api_key', apiKey: { name: 'CRM', role: 'marketing' } });

    await page.getByRole('button', { name: 'Я сохранил ключ' }).click();
    await page.reload();
    await page.getByRole('cell', { name: 'CRM' }).waitFor();
    // Never again: not in the page, and the list shows only the key's first characters.
    expect(await page.locator('#api-key-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
  });

  it('creates a label with its colour and a canned response with a preview', async () => {
    await page.getByRole('link', { name: 'Метки' }).click();
    await page.locator('#label-new-name').fill('VIP');
    await page.locator('#label-new-color').fill('#16a34a');
    await page.getByRole('button', { name: 'Создать метку' }).click();
    await page.locator('.label-row').filter({ hasText: 'VIP' }).waitFor();
    const labels = await read<{ data: { name: string; color: string }[] }>('/api/v1/labels');
    expect(labels.data).toEqual([expect.objectContaining({ name: 'VIP', color: '#16a34a' })]);
    await screenshot(page, 'settings-07-labels');

    await page.getByRole('link', { name: 'Шаблоны ответов' }).click();
    await page.getByLabel('Сокращение (набирается после «/» в поле ответа)').fill('/hello');
    await page.getByLabel('Текст').fill('<b>Здравствуйте</b>, {{ contact.first_name }}! <script>x</script>');
    // The preview shows Telegram's formatting, and a tag Telegram does not know as text.
    const preview = page.getByTestId('canned-preview');
    await preview.locator('strong', { hasText: 'Здравствуйте' }).waitFor();
    expect(await preview.locator('script').count()).toBe(0);
    // The API refuses markup Telegram would not accept, on the content field; plain formatting is fine.
    await page.getByRole('button', { name: 'Создать шаблон ответа' }).click();
    await page.locator('#canned-new-content-error').waitFor();
    await page.getByLabel('Текст').fill('<b>Здравствуйте</b>, {{ contact.first_name }}!');
    await page.getByRole('button', { name: 'Создать шаблон ответа' }).click();
    const saved = page.getByRole('heading', { name: '/hello' });
    await saved.waitFor();
    const canned = await read<{ data: { shortCode: string; content: string }[] }>('/api/v1/canned-responses');
    expect(canned.data).toEqual([
      expect.objectContaining({
        shortCode: 'hello',
        content: '<b>Здравствуйте</b>, {{ contact.first_name }}!',
      }),
    ]);
    await screenshot(page, 'settings-08-canned');
    await page.getByLabel('Тема').selectOption('dark');
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(15, 23, 42)');
    await screenshot(page, 'settings-08-canned-dark');
    await page.getByLabel('Тема').selectOption('system');
  });

  it('puts a colleague into a new team, renames the team and deletes it after asking', async () => {
    await page
      .getByRole('navigation', { name: 'Разделы настроек' })
      .getByRole('link', { name: 'Команды' })
      .click();
    await page.locator('#team-new-name').fill('Поддержка');
    await page.getByRole('button', { name: 'Создать команду' }).click();
    const card = page.locator('section.card', { has: page.getByRole('heading', { name: 'Поддержка' }) });
    await card.waitFor();
    await card.getByLabel('Добавить участника').selectOption({ label: 'Анна Смирнова' });
    await card.getByRole('button', { name: 'Добавить участника' }).click();
    await card.getByText('anna@example.com').waitFor();
    let teams = await read<{ data: { name: string; members: { email: string }[] }[] }>('/api/v1/teams');
    expect(teams.data).toEqual([
      expect.objectContaining({
        name: 'Поддержка',
        members: [expect.objectContaining({ email: 'anna@example.com' })],
      }),
    ]);
    // A member is no longer offered.
    expect(await card.locator('option', { hasText: 'Анна Смирнова' }).count()).toBe(0);

    await card.getByRole('button', { name: 'Изменить' }).click();
    const editing = page.locator('form', {
      has: page.getByRole('heading', { name: 'Изменить команду Поддержка' }),
    });
    await editing.getByLabel('Название').fill('Поддержка VIP');
    await editing.getByRole('button', { name: 'Сохранить' }).click();
    const renamed = page.locator('section.card', {
      has: page.getByRole('heading', { name: 'Поддержка VIP' }),
    });
    await renamed.waitFor();
    await screenshot(page, 'settings-09-teams');

    // Deleting asks first; a dismissed question keeps the team.
    page.once('dialog', (d) => d.dismiss());
    await renamed.getByRole('button', { name: 'Удалить' }).click();
    await renamed.getByRole('button', { name: 'Изменить' }).waitFor();
    expect((await read<{ data: unknown[] }>('/api/v1/teams')).data).toHaveLength(1);
    page.once('dialog', (d) => d.accept());
    await renamed.getByRole('button', { name: 'Удалить' }).click();
    await page.getByText('Команд пока нет.').waitFor();
    teams = await read('/api/v1/teams');
    expect(teams.data).toEqual([]);
  });

  it('shows the menu behind a button on a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/settings/workspace`);
    await page.getByRole('heading', { name: 'Рабочее пространство' }).waitFor();
    const menu = page.getByRole('navigation', { name: 'Главное меню' });
    const toggle = page.getByRole('button', { name: 'Меню', exact: true });
    expect(await menu.isVisible()).toBe(false);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'settings-09-phone');

    await toggle.click();
    await menu.getByRole('link', { name: 'Входящие' }).waitFor();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await page.getByLabel('Тема').isVisible()).toBe(true);
    await screenshot(page, 'settings-10-phone-menu');
    await menu.getByRole('link', { name: 'Контакты' }).click();
    await page.waitForURL(`${baseUrl}/contacts`);
    expect(await menu.isVisible()).toBe(false);

    await toggle.click();
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await menu.isVisible()).toBe(true);
    expect(await toggle.isVisible()).toBe(false);
  });
});
