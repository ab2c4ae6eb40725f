import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The dashboard's coupon card reads GET /api/v1/reports/coupons with the dashboard's own period: dates, both days
 * included, cut in the user's zone. A hand-made set of coupons and redemptions in Asia/Tokyo (UTC+9, no DST): 14:59 UTC
 * on Nov 11 is 23:59 on Nov 11 there (inside), 15:00 UTC is midnight of Nov 12 (outside).
 */

let app: TestApp;
let admin: string;
let autumn = '';
let winter = '';
const PERIOD = 'from=2026-11-10&to=2026-11-11&timezone=Asia/Tokyo';

const db = () => app.services.ctx.db;

async function campaign(name: string): Promise<string> {
  const r = await sql<{ id: string }>`
    insert into coupon_campaigns (name, discount_percent) values (${name}, 10) returning id`.execute(db());
  return r.rows[0]!.id;
}

/** A coupon issued at `at`, redeemed once at `redeemedAt` when given. */
async function coupon(campaignId: string, at: string, redeemedAt?: string) {
  const contact = await sql<{ id: string }>`insert into contacts (name) values ('c') returning id`.execute(
    db(),
  );
  const c = await sql<{ id: string }>`
    insert into coupons (campaign_id, contact_id, source, uses, created_at)
    values (${campaignId}, ${contact.rows[0]!.id}, 'manual', ${redeemedAt ? 1 : 0}, ${at}::timestamptz)
    returning id`.execute(db());
  if (redeemedAt)
    await sql`
      insert into coupon_redemptions (coupon_id, campaign_id, actor_type, actor_name, via, redeemed_at)
      values (${c.rows[0]!.id}, ${campaignId}, 'user', 'Кассир', 'api', ${redeemedAt}::timestamptz)`.execute(
      db(),
    );
}

const get = (url: string) => app.http!.inject({ method: 'GET', url, headers: bearer(admin) });

beforeAll(async () => {
  app = await startTestApp();
  admin = (await app.userWithRole('admin')).token;
  autumn = await campaign('Осень');
  winter = await campaign('Зима');
  // Autumn: two on Nov 10 (one redeemed on Nov 11), one in the last minute of Nov 11.
  await coupon(autumn, '2026-11-10T05:00:00Z', '2026-11-11T01:00:00Z');
  await coupon(autumn, '2026-11-10T06:00:00Z');
  await coupon(autumn, '2026-11-11T14:59:00Z');
  // Winter: one on Nov 10 redeemed the same day; one just before the period, one just after (redeemed after too).
  await coupon(winter, '2026-11-10T03:00:00Z', '2026-11-10T04:00:00Z');
  await coupon(winter, '2026-11-09T14:59:00Z');
  await coupon(winter, '2026-11-11T15:00:00Z', '2026-11-11T15:30:00Z');
});

afterAll(async () => {
  await app?.stop();
});

describe('the coupons report on the dashboard period', () => {
  it('reads dates as whole days in the zone: issued and redeemed per day, conversion per campaign', async () => {
    const res = await get(`/api/v1/reports/coupons?${PERIOD}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      from: '2026-11-09T15:00:00.000Z',
      to: '2026-11-11T15:00:00.000Z',
      timezone: 'Asia/Tokyo',
    });
    expect(body.totals).toEqual({ issued: 4, redeemed: 2, conversion: 0.5, redemptions: 2 });
    expect(body.days).toEqual([
      { day: '2026-11-10', issued: 3, redemptions: 1 },
      { day: '2026-11-11', issued: 1, redemptions: 1 },
    ]);
    const byName = Object.fromEntries(body.campaigns.map((c: { name: string }) => [c.name, c]));
    expect(byName.Осень).toEqual({
      campaignId: autumn,
      name: 'Осень',
      issued: 3,
      redeemed: 1,
      conversion: 0.3333,
    });
    expect(byName.Зима).toEqual({
      campaignId: winter,
      name: 'Зима',
      issued: 1,
      redeemed: 1,
      conversion: 1,
    });
  });

  it('exports the same period as CSV, one row per campaign', async () => {
    const res = await get(`/api/v1/reports/coupons.csv?${PERIOD}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe('campaign_id,campaign,issued,redeemed,conversion');
    expect(lines).toContain(`${autumn},Осень,3,1,0.3333`);
    expect(lines).toContain(`${winter},Зима,1,1,1`);
  });

  it('names the bad field of a period the dashboard could not mean', async () => {
    const backwards = await get('/api/v1/reports/coupons?from=2026-11-12&to=2026-11-10');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.details).toMatchObject([{ path: 'from' }]);
    const zone = await get('/api/v1/reports/coupons?from=2026-11-10&to=2026-11-11&timezone=Mars/Olympus');
    expect(zone.statusCode).toBe(400);
    expect(zone.json().error.details).toMatchObject([{ path: 'timezone' }]);
    const tooLong = await get('/api/v1/reports/coupons?from=2025-01-01&to=2026-11-11');
    expect(tooLong.statusCode).toBe(400);
  });
});
