import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { type Browser, buildWebApp, screenshot } from './browser.ts';
import { closeAll, openAppInBrowser, signIn } from './browser-app.ts';

/**
 * An owner's look at the dashboard and the System page in a real Chromium against a real Switchboard: seeded
 * conversations and coupons show up as charts with a CSV export, and a job that failed in its handler shows with its error and
 * runs again from the retry button.
 */

const PASSWORD = 'password123';
const WAIT = 20_000;
const HOUR = 3_600_000;

let app: TestApp;
let browser: Browser;
let page: Page;
let baseUrl: string;
let email: string;

const db = () => app.services.ctx.db;

beforeAll(async () => {
  await buildWebApp();
  app = await startTestApp();
  email = `owner-reports-${process.pid}@example.com`;
  const { user } = await app.userWithRole('owner', { email, password: PASSWORD });
  // The profile's language wins after sign-in: this owner reads English.
  await sql`update users set locale = 'en' where id = ${user.id}`.execute(db());

  // Two days of a support channel: three customer messages and two replies (one undelivered), two new subscribers.
  const channel = (
    await sql<{
      id: string;
    }>`insert into channels (type, name) values ('telegram', 'Support desk') returning id`.execute(db())
  ).rows[0]!.id;
  const now = Date.now();
  for (const [i, hoursAgo] of [30, 2].entries()) {
    const contact = (
      await sql<{ id: string }>`insert into contacts (name) values (${`Customer ${i}`}) returning id`.execute(
        db(),
      )
    ).rows[0]!.id;
    await sql`insert into contact_channels (contact_id, channel_id, external_id, created_at)
      values (${contact}, ${channel}, ${String(9000 + i)}, ${new Date(now - hoursAgo * HOUR)})`.execute(db());
    const conversation = (
      await sql<{
        id: string;
      }>`insert into conversations (channel_id, contact_id, chat_external_id, chat_kind, created_at,
          last_activity_at, first_reply_at)
        values (${channel}, ${contact}, ${String(9000 + i)}, 'private', ${new Date(now - hoursAgo * HOUR)},
          ${new Date(now - hoursAgo * HOUR)}, ${new Date(now - hoursAgo * HOUR + 600_000)}) returning id`.execute(
        db(),
      )
    ).rows[0]!.id;
    const messages: Array<[string, string | null, number]> = [
      ['incoming', null, 0],
      ['outgoing', i === 0 ? 'sent' : 'failed', 600_000],
    ];
    if (i === 1) messages.push(['incoming', null, 900_000]);
    for (const [type, status, after] of messages)
      await sql`insert into messages (conversation_id, message_type, sender_type, content, delivery_status, created_at)
        values (${conversation}, ${type}, ${type === 'incoming' ? 'contact' : 'user'}, 'hello', ${status},
          ${new Date(now - hoursAgo * HOUR + after)})`.execute(db());
  }

  // A second channel with one customer message: the channel filter must leave it out.
  const sales = (
    await sql<{
      id: string;
    }>`insert into channels (type, name) values ('telegram', 'Sales line') returning id`.execute(db())
  ).rows[0]!.id;
  const buyer = (
    await sql<{ id: string }>`insert into contacts (name) values ('Buyer') returning id`.execute(db())
  ).rows[0]!.id;
  const salesConversation = (
    await sql<{
      id: string;
    }>`insert into conversations (channel_id, contact_id, chat_external_id, chat_kind, created_at,
        last_activity_at) values (${sales}, ${buyer}, '9100', 'private', ${new Date(now - 3 * HOUR)},
        ${new Date(now - 3 * HOUR)}) returning id`.execute(db())
  ).rows[0]!.id;
  await sql`insert into messages (conversation_id, message_type, sender_type, content, created_at)
    values (${salesConversation}, 'incoming', 'contact', 'hello', ${new Date(now - 3 * HOUR)})`.execute(db());

  // A coupon campaign: four coupons issued over two days, two of them redeemed (conversion 50 %).
  const campaign = (
    await sql<{
      id: string;
    }>`insert into coupon_campaigns (name, discount_percent) values ('Autumn sale', 10) returning id`.execute(
      db(),
    )
  ).rows[0]!.id;
  for (const [hoursAgo, redeemedHoursAgo] of [
    [30, 29],
    [2, 1],
    [2, null],
    [2, null],
  ] as const) {
    const coupon = (
      await sql<{ id: string }>`insert into coupons (campaign_id, contact_id, source, uses, created_at)
        values (${campaign}, ${buyer}, 'manual', ${redeemedHoursAgo === null ? 0 : 1},
          ${new Date(now - hoursAgo * HOUR)}) returning id`.execute(db())
    ).rows[0]!.id;
    if (redeemedHoursAgo !== null)
      await sql`insert into coupon_redemptions (coupon_id, campaign_id, actor_type, actor_name, via, redeemed_at)
        values (${coupon}, ${campaign}, 'user', 'Cashier', 'api', ${new Date(now - redeemedHoursAgo * HOUR)})`.execute(
        db(),
      );
  }

  // A job that really fails in its handler: system.probe's insert breaks this constraint until the test drops it.
  await sql`alter table system_probes add constraint doomed_probe check (token <> 'doomed')`.execute(db());
  await app.services.ctx.repos.jobs.add('system.probe', { token: 'doomed' }, { maxAttempts: 1 });

  ({ browser, page, baseUrl } = await openAppInBrowser(app, 'en-US', WAIT));
}, 120_000);

afterAll(() => closeAll(browser, app));

describe('reports and system pages', () => {
  it('shows the dashboard with charts drawn from the seeded messages, and exports a CSV', async () => {
    await signIn(page, `${baseUrl}/`, { email, password: PASSWORD, language: 'en' });
    await page.getByRole('navigation', { name: 'Main menu' }).waitFor();
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();

    const messages = page.getByTestId('report-messages');
    // Every channel first: the sales line's message counts too.
    await messages
      .locator('.report-stats div', { hasText: 'Incoming' })
      .locator('dd', { hasText: '4' })
      .waitFor();
    // Narrowed to the support desk; reports that are not per channel say they still cover every channel.
    await page.getByLabel('Channel', { exact: true }).selectOption({ label: 'Support desk' });
    await messages.getByText('Channel: Support desk.').waitFor();
    await page.getByTestId('report-broadcasts').getByText('This report covers every channel.').waitFor();
    // Headline figures of the support desk: 3 incoming, 2 outgoing, 1 not delivered.
    await messages
      .locator('.report-stats div', { hasText: 'Incoming' })
      .locator('dd', { hasText: '3' })
      .waitFor();
    await messages
      .locator('.report-stats div', { hasText: 'Not delivered' })
      .locator('dd', { hasText: '1' })
      .waitFor();
    // A bar with its tooltip per day and series, and the per-channel chart names the channel.
    expect(await messages.locator('svg[role="img"] rect title').count()).toBeGreaterThanOrEqual(60);
    await messages.locator('svg[role="img"] text', { hasText: 'Support desk' }).waitFor();
    // Every section the owner may read is there, each with its chart or its empty state.
    for (const name of [
      'inbox',
      'messages',
      'subscribers',
      'broadcasts',
      'notifications',
      'preferences',
      'coupons',
    ])
      await page.getByTestId(`report-${name}`).getByRole('heading', { level: 2 }).waitFor();
    await page
      .getByTestId('report-subscribers')
      .locator('.report-stats dd')
      .first()
      .filter({ hasText: '2' })
      .waitFor();

    await page.getByLabel('Last 7 days').check();
    await messages
      .locator('.report-stats div', { hasText: 'Incoming' })
      .locator('dd', { hasText: '3' })
      .waitFor();
    // The dashboard scrolls inside the app frame: a tall window shows most of it; the dark theme's first screen too.
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, '20-reports-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 2400 });
    await screenshot(page, '20-reports');
    await page.setViewportSize({ width: 1280, height: 800 });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      messages.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^messages-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}-Support-desk\.csv$/,
    );
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('day,channel_id,channel_name,channel_type,incoming,outgoing,outgoing_failed');
    const sums = lines
      .slice(1)
      .map((l) => l.split(','))
      .reduce((acc, cells) => [acc[0]! + Number(cells[4]), acc[1]! + Number(cells[5])], [0, 0]);
    expect(sums).toEqual([3, 2]);
    // The export follows the channel filter: only the support desk's rows.
    expect(lines.slice(1).every((l) => l.includes('Support desk'))).toBe(true);
  }, 90_000);

  it('shows coupon conversions per day and per campaign over the chosen period, with their CSV', async () => {
    const coupons = page.getByTestId('report-coupons');
    await coupons.getByText('This report covers every channel.').waitFor();
    const stat = (label: string) => coupons.locator('.report-stats div', { hasText: label }).locator('dd');
    await stat('Issued').filter({ hasText: /^4$/ }).waitFor();
    expect(await stat('Conversion').textContent()).toBe('50%');
    expect(await stat('Redemptions').textContent()).toBe('2');
    // One bar per day of the 7-day period and series; the tooltips add up to what was issued and redeemed.
    const bars = coupons.locator('svg[role="img"] rect title');
    expect(await bars.count()).toBe(7 * 2);
    const total = (series: string) =>
      bars
        .allTextContents()
        .then((titles) =>
          titles
            .filter((x) => x.includes(` · ${series}: `))
            .reduce((sum, x) => sum + Number(x.split(': ').pop()), 0),
        );
    expect([await total('Issued'), await total('Redemptions')]).toEqual([4, 2]);
    const row = coupons.getByTestId('coupon-campaigns').getByRole('row', { name: /Autumn sale/ });
    expect(await row.locator('td').allTextContents()).toEqual(['4', '2', '50%']);
    await coupons.scrollIntoViewIfNeeded();
    await screenshot(page, '20-reports-coupons');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      coupons.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    // Not per channel: the file name carries no channel.
    expect(download.suggestedFilename()).toMatch(/^coupons-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.trim().split('\n')).toContainEqual(
      expect.stringMatching(/^[0-9a-f-]{36},Autumn sale,4,2,0\.5$/),
    );
  }, 60_000);

  it('shows the failed job with its error on the System page, and the retry button runs it again', async () => {
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'System' }).click();
    await page.getByRole('heading', { name: 'System', level: 1 }).waitFor();
    const job = page.getByTestId('failed-job').filter({ hasText: 'system.probe' });
    await job.filter({ hasText: 'doomed_probe' }).waitFor();
    await job.getByText('Gave up').waitFor();
    const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8'));
    await page.getByTestId('system-facts').getByText(version, { exact: true }).waitFor();
    await page.getByText('telegram.rate_prune').waitFor();
    await page.getByText('Alive', { exact: true }).first().waitFor();
    await page.setViewportSize({ width: 1280, height: 1400 });
    await screenshot(page, '21-system');
    await page.setViewportSize({ width: 1280, height: 800 });

    await sql`alter table system_probes drop constraint doomed_probe`.execute(db());
    await job.getByRole('button', { name: /Retry system\.probe/ }).click();
    await job.waitFor({ state: 'detached' });
    await eventually(
      async () => (await app.services.system.probeRuns('doomed')).length === 1,
      WAIT,
      'the retried job ran',
    );
    await page.getByText('No job has an error.').waitFor();
  }, 60_000);
});
