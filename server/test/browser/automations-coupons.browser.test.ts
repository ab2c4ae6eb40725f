import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { type Browser, buildWebApp, screenshot } from './browser.ts';
import { closeAll, openAppInBrowser, signIn } from './browser-app.ts';

/**
 * A shop owner in a real Chromium against a real Switchboard: switches on the built-in birthday rule from the list (still on
 * after a reload), opens it and dry-runs it for a customer; creates a coupon campaign, issues a coupon to that customer, and
 * at two tills checks the code, redeems it at one, and the other is told it was already used; the campaign's statistics
 * count it; the profile hands out a staff-bot link code.
 */

const PASSWORD = 'password123';
const WAIT = 20_000;

let app: TestApp;
let browser: Browser;
let page: Page;
let baseUrl: string;
let token: string;
let email: string;
let contactId: string;
let code: string;

async function apiGet<T>(url: string): Promise<T> {
  const res = await app.http!.inject({ method: 'GET', url, headers: bearer(token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
}

beforeAll(async () => {
  await buildWebApp();
  app = await startTestApp();
  email = `owner-${process.pid}@example.com`;
  token = (await app.userWithRole('admin', { email, password: PASSWORD })).token;
  // The owner reads the app in English (a new user's language is the workspace's, Russian here).
  const me = await app.http!.inject({
    method: 'PATCH',
    url: '/api/v1/auth/me',
    headers: bearer(token),
    payload: { locale: 'en' },
  });
  expect(me.statusCode, me.body).toBe(200);
  const res = await app.http!.inject({
    method: 'POST',
    url: '/api/v1/contacts',
    headers: bearer(token),
    payload: { name: 'Alice Cooper', firstName: 'Alice', language: 'en', birthday: '1990-06-15' },
  });
  expect(res.statusCode, res.body).toBe(201);
  contactId = (res.json() as { id: string }).id;
  ({ browser, page, baseUrl } = await openAppInBrowser(app, 'en-US', WAIT));
}, 120_000);

afterAll(() => closeAll(browser, app));

/** Picks Alice in a contact search box. */
async function pickAlice(p: Page) {
  await p.getByPlaceholder('Name, @username, phone or email').fill('Alice');
  await p.getByRole('button', { name: /Alice Cooper/ }).click();
  await p.getByTestId('chosen-contact').filter({ hasText: 'Alice Cooper' }).waitFor();
}

describe('automations and coupons in the browser', () => {
  it('switches on the built-in birthday rule from the list, and it is still on after a reload', async () => {
    await signIn(page, `${baseUrl}/automations`, { email, password: PASSWORD, language: 'en' });
    await page.getByRole('heading', { name: 'Automations' }).waitFor();

    const toggle = page.getByRole('switch', { name: 'Rule “Birthday greeting” enabled' });
    expect(await toggle.isChecked()).toBe(false);
    const saved = page.waitForResponse(
      (r) => r.request().method() === 'PATCH' && r.url().includes('/automations/'),
    );
    await toggle.check();
    expect((await saved).status()).toBe(200);
    await screenshot(page, 'automations-01-list');

    await page.reload();
    await page.getByRole('heading', { name: 'Automations' }).waitFor();
    await expect.poll(() => toggle.isChecked(), { timeout: WAIT }).toBe(true);
    const rules = await apiGet<{ data: Array<{ builtinKey: string | null; enabled: boolean }> }>(
      '/api/v1/automations',
    );
    expect(rules.data.filter((r) => r.enabled).map((r) => r.builtinKey)).toEqual(['birthday']);
  });

  it('opens the rule and dry-runs it for a customer: the conditions hold and each step says what it would do', async () => {
    await page.getByRole('link', { name: 'Birthday greeting' }).click();
    await page.getByRole('heading', { name: 'Birthday greeting' }).waitFor();
    // The built-in rule loads into typed inputs: a date trigger on the birthday at 09:00, two steps.
    expect(await page.getByLabel('Trigger', { exact: true }).inputValue()).toBe('date_attribute');
    expect(await page.getByLabel('Date attribute').inputValue()).toBe('birthday');
    expect(await page.getByLabel("At the contact's local time").inputValue()).toBe('09:00');
    await expect.poll(() => page.getByTestId('action').count()).toBe(2);

    await pickAlice(page);
    await page.getByRole('button', { name: 'Run a dry run' }).click();
    await page.getByTestId('dry-run-conditions').filter({ hasText: 'The conditions hold' }).waitFor();
    const steps = page.getByTestId('dry-run-step');
    await expect.poll(() => steps.count()).toBe(2);
    expect(await steps.nth(0).innerText()).toContain('Issue a coupon');
    expect(await steps.nth(1).innerText()).toContain('Send a notification');
    await screenshot(page, 'automations-02-dry-run');
    await page.setViewportSize({ width: 390, height: 844 });
    // A string, so the server's TypeScript (no DOM types) need not know `document`.
    await page.evaluate("document.querySelector('[data-testid=actions]')?.scrollIntoView()");
    await screenshot(page, 'automations-02-steps-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    // A dry run writes nothing.
    const runs = await apiGet<{ data: unknown[] }>(`/api/v1/contacts/${contactId}/automation-runs`);
    expect(runs.data).toEqual([]);
  });

  it('writes a new rule: the API objections show at their fields, and the reordered steps are saved', async () => {
    await page.getByRole('link', { name: '← All rules' }).click();
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Cart reminder');
    // The event name and the notification type are left empty: the API names both fields.
    await page.getByRole('button', { name: 'Save' }).click();
    const trigger = page.getByTestId('trigger');
    await trigger.getByTestId('field-problem').filter({ hasText: 'must be an event name' }).waitFor();
    await expect.poll(() => page.getByTestId('action').nth(0).getByTestId('field-problem').count()).toBe(1);
    await screenshot(page, 'automations-03-field-problems');

    await page.getByLabel('Event name').fill('cart_abandoned');
    await page.getByLabel('Notification type').selectOption('cart_reminder');
    await page.getByLabel('Step to add').selectOption('wait');
    await page.getByRole('button', { name: '+ Add step' }).click();
    await page.getByRole('button', { name: 'Move step 2 up' }).click();
    expect(await page.getByTestId('action').nth(0).innerText()).toContain('Wait');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/automations\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop();
    const rule = await apiGet<{ enabled: boolean; trigger: unknown; actions: unknown[] }>(
      `/api/v1/automations/${id}`,
    );
    expect(rule.enabled).toBe(false);
    expect(rule.trigger).toEqual({ kind: 'event', event: 'cart_abandoned' });
    expect(rule.actions).toEqual([
      { type: 'wait', seconds: 3600 },
      { type: 'send_notification', notificationType: 'cart_reminder' },
    ]);

    // Switched on in the editor, the rule starts a run for a recorded event, which waits its hour in the run log.
    await page.getByRole('switch', { name: 'Enabled' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const event = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: bearer(token),
      payload: { contact: { id: contactId }, name: 'cart_abandoned', properties: { cartId: 'A-1' } },
    });
    expect(event.statusCode, event.body).toBe(201);
    const log = page.getByTestId('run-log');
    await log.getByLabel('completed').check();
    await log.getByText('No runs.').waitFor();
    await log.getByLabel('completed').uncheck();
    await log.getByLabel('waiting').check();
    await expect
      .poll(
        async () => {
          await log.getByRole('button', { name: 'Refresh' }).click();
          return log.getByTestId('run-row').count();
        },
        { timeout: WAIT },
      )
      .toBe(1);
    expect(await log.getByTestId('run-row').innerText()).toContain('waiting');
    await screenshot(page, 'automations-04-runs');
  });

  it('creates a coupon campaign and issues a coupon to the customer, showing the code', async () => {
    await page.goto(`${baseUrl}/coupons`);
    await page.getByRole('button', { name: 'New campaign' }).click();
    await page.getByLabel('Name').fill('Spring sale');
    await page.getByLabel('Percent off').fill('15');
    await page.getByLabel('Days from issue').fill('30');
    await page.getByRole('button', { name: 'Create the campaign' }).click();
    await page.getByRole('heading', { name: 'Spring sale' }).waitFor();
    expect(await page.getByTestId('campaign-discount').innerText()).toBe('15%');

    await pickAlice(page);
    // Alice has no chat with a bot: the code is shown here rather than sent.
    await page.getByLabel(/Send the code to the customer/).uncheck();
    await page.getByRole('button', { name: 'Issue a coupon' }).click();
    code = (await page.getByTestId('issued-code').innerText()).trim();
    expect(code).toMatch(/^[A-Z0-9]{4}-?[A-Z0-9]{4}/);
    await page.getByTestId('coupon-row').filter({ hasText: code }).waitFor();
    await screenshot(page, 'coupons-01-campaign');
  });

  it('checks the code at two tills, redeems it at one, and the other is told it was already used', async () => {
    const second = await browser.context.newPage();
    // The second till's phone is in dark mode (the app follows the system's theme).
    await second.emulateMedia({ colorScheme: 'dark' });
    await second.setViewportSize({ width: 390, height: 844 });
    await second.goto(`${baseUrl}/coupons/redeem`);
    await page.goto(`${baseUrl}/coupons`);
    for (const till of [page, second]) {
      await till.getByPlaceholder('Code, e.g. ABCD-2345').fill(code.toLowerCase());
      await till.getByRole('button', { name: 'Check' }).click();
      await till.getByTestId('redeem-result').filter({ hasText: 'Valid: 15% off' }).waitFor();
    }
    expect(await page.getByTestId('redeem-result').innerText()).toContain('Alice Cooper');

    await page.getByLabel('Location (optional)').fill('Main street');
    await page.getByRole('button', { name: 'Redeem' }).click();
    await page
      .getByTestId('redeem-result')
      .filter({ hasText: `Redeemed: ${code}` })
      .waitFor();

    await second.getByRole('button', { name: 'Redeem' }).click();
    await second
      .getByTestId('redeem-result')
      .filter({ hasText: 'This coupon has already been used.' })
      .waitFor();
    await screenshot(second, 'coupons-02-already-used');
    await second.close();

    // Checking it again says the same.
    await page.getByRole('button', { name: 'Check' }).click();
    await page
      .getByTestId('redeem-result')
      .filter({ hasText: 'This coupon has already been used.' })
      .waitFor();
  });

  it("counts the redemption in the campaign's statistics", async () => {
    await page.getByRole('link', { name: 'Spring sale' }).click();
    await page.getByTestId('stat-issued').filter({ hasText: /^1$/ }).waitFor();
    await page.getByTestId('stat-redeemed').filter({ hasText: /^1$/ }).waitFor();
    await page.getByRole('cell', { name: 'Main street' }).waitFor();
    await page.getByTestId('day-chart').waitFor();
    await screenshot(page, 'coupons-03-stats');
  });

  it('hands out a one-time staff-bot link code in the profile', async () => {
    await page.goto(`${baseUrl}/profile`);
    await page.getByRole('button', { name: 'Get a link code' }).click();
    await page
      .getByTestId('staff-command')
      .filter({ hasText: /^\/link \S+$/ })
      .waitFor();
  });
});
