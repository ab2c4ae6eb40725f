import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../support/fake-clock.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

/** Coupon campaigns, issuing, validating and redeeming through the API, on a real PostgreSQL. */

// biome-ignore lint/suspicious/noExplicitAny: API bodies are free-form JSON here
type Json = Record<string, any>;

let app: TestApp;
let admin: string;
let cashier: string;
let readonly: string;
const clock = new FakeClock();
const DAY = 86_400_000;
const CODE = /^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{4}$/;

const repos = () => app.services.ctx.repos;

async function call(method: 'GET' | 'POST' | 'PATCH', url: string, token: string, payload?: unknown) {
  const res = await app.http!.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload ? { payload } : {}),
  });
  return {
    status: res.statusCode,
    body: res.body.startsWith('{') ? (res.json() as Json) : ({} as Json),
    text: res.body,
  };
}

async function campaign(body: Json = {}): Promise<string> {
  const res = await call('POST', '/api/v1/coupon-campaigns', admin, {
    name: 'Spring',
    discount: { percent: 15 },
    ...body,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const contact = async (tags: string[] = []) => (await repos().contacts.create({ firstName: 'Ира', tags })).id;

async function issue(campaignId: string, contactId: string, extra: Json = {}) {
  return call('POST', `/api/v1/coupon-campaigns/${campaignId}/issue`, admin, {
    contactId,
    deliver: false,
    ...extra,
  });
}

beforeAll(async () => {
  app = await startTestApp({ clock });
  admin = (await app.userWithRole('admin')).token;
  cashier = (await app.userWithRole('agent')).token;
  readonly = (await app.userWithRole('readonly')).token;
});

afterAll(async () => {
  await app?.stop();
});

describe('coupon campaigns', () => {
  it('creates a campaign with an amount discount and answers 400 naming the field for a bad one', async () => {
    const res = await call('POST', '/api/v1/coupon-campaigns', admin, {
      name: 'Welcome',
      discount: { amount: 500, currency: 'rub' },
      validDays: 30,
      perContactLimit: 1,
      terms: 'One per customer',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      discount: { amount: 500, currency: 'RUB' },
      validDays: 30,
      perCouponLimit: 1,
      enabled: true,
    });

    const bad = await call('POST', '/api/v1/coupon-campaigns', admin, {
      name: 'x',
      discount: { percent: 150 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: Json) => d.path).join()).toContain('/discount');
    const backwards = await call('POST', '/api/v1/coupon-campaigns', admin, {
      name: 'x',
      discount: { percent: 5 },
      validFrom: '2026-05-01T00:00:00Z',
      validUntil: '2026-04-01T00:00:00Z',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details[0].path).toBe('/validUntil');
  });

  it('ships a disabled Birthday campaign that only its rule (source automation) may issue', async () => {
    const list = await call('GET', '/api/v1/coupon-campaigns', readonly);
    const birthday = list.body.data.find((c: Json) => c.builtinKey === 'birthday');
    expect(birthday).toMatchObject({
      name: 'Birthday',
      discount: { percent: 10 },
      validDays: 14,
      enabled: false,
    });

    const someone = await contact();
    const manual = await issue(birthday.id, someone);
    expect(manual.status).toBe(409);
    expect(manual.body.error.code).toBe('campaign_disabled');

    const { coupon, created } = await app.services.coupons.issue({
      campaignId: birthday.id,
      contactId: someone,
      source: 'automation',
      sourceRef: 'birthday:2026',
      deliver: false,
    });
    expect(created).toBe(true);
    expect(coupon.code).toMatch(CODE);
    expect(coupon.validUntil!.getTime() - coupon.createdAt.getTime()).toBeGreaterThan(13.9 * DAY);

    // Switched on, it can be handed out by hand too; its discount can be changed.
    const patched = await call('PATCH', `/api/v1/coupon-campaigns/${birthday.id}`, admin, {
      enabled: true,
      discount: { percent: 12.5 },
    });
    expect(patched.body).toMatchObject({
      enabled: true,
      discount: { percent: 12.5 },
      builtinKey: 'birthday',
    });
    expect((await issue(birthday.id, someone)).status).toBe(201);
    const empty = await call('PATCH', `/api/v1/coupon-campaigns/${birthday.id}`, admin, {});
    expect(empty.status).toBe(400);
  });

  it('lets read-only users list campaigns but not create them', async () => {
    expect((await call('GET', '/api/v1/coupon-campaigns', readonly)).status).toBe(200);
    expect(
      (await call('POST', '/api/v1/coupon-campaigns', readonly, { name: 'x', discount: { percent: 5 } }))
        .status,
    ).toBe(403);
  });
});

describe('issuing', () => {
  it('answers 201 with a readable code, and the same coupon again for a repeated sourceRef', async () => {
    const id = await campaign();
    const someone = await contact();
    const first = await issue(id, someone, { sourceRef: 'order-1' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      campaignId: id,
      contactId: someone,
      status: 'active',
      source: 'manual',
    });
    expect(first.body.code).toMatch(CODE);
    const again = await issue(id, someone, { sourceRef: 'order-1' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const other = await issue(id, someone, { sourceRef: 'order-2' });
    expect(other.body.code).not.toBe(first.body.code);
  });

  it('holds the per-contact limit, also when issues race', async () => {
    const id = await campaign({ perContactLimit: 2 });
    const someone = await contact();
    const results = await Promise.all(Array.from({ length: 6 }, () => issue(id, someone)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(4);
    expect(refused[0]!.body.error.code).toBe('coupon_limit_reached');
    // Another contact is not affected.
    expect((await issue(id, await contact())).status).toBe(201);
  });

  it('issues to a whole segment in one go (202) and queues the delivery, skipping no one and nobody twice', async () => {
    const id = await campaign();
    const tag = `vip-${Date.now()}`;
    const members = await Promise.all([contact([tag]), contact([tag]), contact([tag])]);
    await contact(['other']);
    const segment = await app.services.segments.create(
      { type: 'system', id: null, name: 'test' },
      {
        name: `VIP ${tag}`,
        filter: { op: 'and', conditions: [{ type: 'field', field: 'tags', op: 'has_any', value: [tag] }] },
      },
    );
    const res = await call('POST', `/api/v1/coupon-campaigns/${id}/issue`, admin, { segmentId: segment.id });
    expect(res.status).toBe(202);
    expect(res.body.issued).toBe(3);
    const list = await call('GET', `/api/v1/coupons?campaignId=${id}`, admin);
    expect(list.body.data.map((c: Json) => c.contactId).sort()).toEqual([...members].sort());
    expect(new Set(list.body.data.map((c: Json) => c.code)).size).toBe(3);
    // No Telegram or email for these contacts: the batch job records why each one was not sent.
    await expect
      .poll(
        async () =>
          (await call('GET', `/api/v1/coupons?campaignId=${id}`, admin)).body.data.map(
            (c: Json) => c.delivery.status,
          ),
        {
          timeout: 15_000,
        },
      )
      .toEqual(['failed', 'failed', 'failed']);
  });
});

describe('validating and redeeming', () => {
  it('lets exactly one of 20 concurrent redeems win; the others get 409 coupon_used_up', async () => {
    const id = await campaign();
    const { body: coupon } = await issue(id, await contact());
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('POST', '/api/v1/coupons/redeem', cashier, {
          code: coupon.code,
          amount: 1000 + i,
          location: 'Shop 1',
        }),
      ),
    );
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    expect(won[0]!.body.coupon.status).toBe('redeemed');
    const lost = results.filter((r) => r.status === 409);
    expect(lost).toHaveLength(19);
    expect(new Set(lost.map((r) => r.body.error.code))).toEqual(new Set(['coupon_used_up']));
    expect(await repos().coupons.redemptionsOf(coupon.id)).toHaveLength(1);
  });

  it('allows perCouponLimit uses, then refuses', async () => {
    const id = await campaign({ perCouponLimit: 2 });
    const { body: coupon } = await issue(id, await contact());
    expect((await call('POST', '/api/v1/coupons/redeem', cashier, { code: coupon.code })).status).toBe(200);
    const v = await call('POST', '/api/v1/coupons/validate', cashier, {
      code: coupon.code.toLowerCase().replace('-', ''),
    });
    expect(v.body).toMatchObject({ valid: true, reason: null, coupon: { uses: 1 } });
    expect((await call('POST', '/api/v1/coupons/redeem', cashier, { code: coupon.code })).status).toBe(200);
    const third = await call('POST', '/api/v1/coupons/redeem', cashier, { code: coupon.code });
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('coupon_used_up');
  });

  it('says expired after validDays, and never redeems an expired code', async () => {
    const id = await campaign({ validDays: 3 });
    const { body: coupon } = await issue(id, await contact());
    clock.advance(3 * DAY + 60_000);
    const v = await call('POST', '/api/v1/coupons/validate', cashier, { code: coupon.code });
    expect(v.body).toMatchObject({ valid: false, reason: 'expired', coupon: { status: 'expired' } });
    const res = await call('POST', '/api/v1/coupons/redeem', cashier, { code: coupon.code });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('coupon_expired');
    const expired = await call('GET', `/api/v1/coupons?campaignId=${id}&status=expired`, cashier);
    expect(expired.body.data.map((c: Json) => c.id)).toEqual([coupon.id]);
  });

  it('revokes an active coupon, which then cannot be redeemed', async () => {
    const id = await campaign();
    const { body: coupon } = await issue(id, await contact());
    const revoked = await call('POST', `/api/v1/coupons/${coupon.id}/revoke`, admin);
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    const redeem = await call('POST', '/api/v1/coupons/redeem', cashier, { code: coupon.code });
    expect(redeem.status).toBe(409);
    expect(redeem.body.error.code).toBe('coupon_revoked');
    expect((await call('POST', `/api/v1/coupons/${coupon.id}/revoke`, admin)).body.error.code).toBe(
      'coupon_revoked',
    );
  });

  it('answers 404 coupon_not_found for unknown or malformed codes', async () => {
    for (const code of ['ZZZZ-ZZZZ', 'hello']) {
      const res = await call('POST', '/api/v1/coupons/redeem', cashier, { code });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('coupon_not_found');
    }
  });

  it('refuses redeeming to roles without coupons:write', async () => {
    const id = await campaign();
    const { body: coupon } = await issue(id, await contact());
    expect((await call('POST', '/api/v1/coupons/redeem', readonly, { code: coupon.code })).status).toBe(403);
    expect((await call('POST', '/api/v1/coupons/validate', readonly, { code: coupon.code })).status).toBe(
      200,
    );
  });
});

describe('statistics', () => {
  it('counts issued, redeemed and conversion per campaign and source, redemptions per staff member, location and day', async () => {
    const id = await campaign({ name: 'Stats' });
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) codes.push((await issue(id, await contact())).body.code);
    await app.services.coupons.issue({
      campaignId: id,
      contactId: await contact(),
      source: 'api',
      deliver: false,
    });
    const other = await app.userWithRole('agent');
    await call('POST', '/api/v1/coupons/redeem', other.token, {
      code: codes[0],
      amount: 100,
      location: 'Mall',
    });
    await call('POST', '/api/v1/coupons/redeem', other.token, {
      code: codes[1],
      amount: 50,
      location: 'Mall',
    });
    await call('POST', '/api/v1/coupons/redeem', cashier, { code: codes[2], location: 'Center' });

    const from = new Date(clock.now().getTime() - DAY).toISOString();
    const to = new Date(clock.now().getTime() + DAY).toISOString();
    const res = await call(
      'GET',
      `/api/v1/coupon-campaigns/${id}/stats?from=${from}&to=${to}&timezone=Europe/Moscow`,
      admin,
    );
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual({ issued: 5, redeemed: 3, conversion: 0.6, redemptions: 3 });
    expect(res.body.sources).toEqual([
      { source: 'api', issued: 1, redeemed: 0, conversion: 0 },
      { source: 'manual', issued: 4, redeemed: 3, conversion: 0.75 },
    ]);
    expect(res.body.staff[0]).toMatchObject({ key: other.user.id, redemptions: 2, amount: 150 });
    expect(res.body.locations).toEqual(
      expect.arrayContaining([
        { location: 'Mall', redemptions: 2, amount: 150 },
        { location: 'Center', redemptions: 1, amount: 0 },
      ]),
    );
    expect(res.body.days.reduce((s: number, d: Json) => s + d.issued, 0)).toBe(5);
    expect(res.body.days.reduce((s: number, d: Json) => s + d.redemptions, 0)).toBe(3);

    const csv = await call(
      'GET',
      `/api/v1/reports/coupons.csv?from=${from}&to=${to}&campaignId=${id}`,
      admin,
    );
    expect(csv.status).toBe(200);
    expect(csv.text.split('\r\n')[0] ?? csv.text.split('\n')[0]).toContain(
      'campaign_id,campaign,issued,redeemed,conversion',
    );
    expect(csv.text).toContain(`${id},Stats,5,3,0.6`);
  });
});
