import { describe, expect, it } from 'vitest';
import {
  type CampaignJson,
  campaignFromApi,
  campaignToApi,
  dayBars,
  dayInZone,
  discountText,
  emptyCampaign,
  normalizeCode,
  zonedToIso,
} from './campaign-form.ts';

const base: CampaignJson = {
  name: 'Spring',
  discount: { percent: 15 },
  validFrom: null,
  validUntil: null,
  validDays: 30,
  perCouponLimit: 1,
  perContactLimit: 1,
  terms: null,
  enabled: true,
};

describe('the coupon campaign form', () => {
  it.each<[string, CampaignJson]>([
    ['a percent valid for days', base],
    [
      'an amount with currency and no end',
      { ...base, discount: { amount: 500, currency: 'RUB' }, validDays: null },
    ],
    [
      'fixed dates in Moscow with terms and no per-contact limit',
      {
        ...base,
        validFrom: '2026-03-31T21:00:00.000Z',
        validUntil: '2026-04-30T20:59:59.999Z',
        validDays: null,
        perContactLimit: null,
        perCouponLimit: 3,
        terms: 'One per visit',
        enabled: false,
      },
    ],
    [
      'both dates and days',
      {
        ...base,
        validFrom: '2026-03-31T21:00:00.000Z',
        validUntil: '2026-04-30T20:59:59.999Z',
        validDays: 7,
      },
    ],
  ])('turns %s into form state and back unchanged', (_name, campaign) => {
    expect(campaignToApi(campaignFromApi(campaign, 'Europe/Moscow'), 'Europe/Moscow')).toEqual(campaign);
  });

  it('reads the typed form as the API takes it: days of the user’s zone, numbers, upper-case currency', () => {
    const d = {
      ...emptyCampaign(),
      name: '  Welcome  ',
      discountKind: 'amount' as const,
      amount: '250,5',
      currency: 'eur',
      validity: 'dates' as const,
      validFrom: '2026-10-25',
      validUntil: '2026-10-25',
      perCouponLimit: '2',
      perContactLimit: '',
      terms: '  ',
    };
    expect(campaignToApi(d, 'Europe/Berlin')).toEqual({
      name: 'Welcome',
      discount: { amount: 250.5, currency: 'EUR' },
      // 25 October 2026 is the day Berlin leaves summer time: it starts at +02:00 and ends at +01:00.
      validFrom: '2026-10-24T22:00:00.000Z',
      validUntil: '2026-10-25T22:59:59.999Z',
      validDays: null,
      perCouponLimit: 2,
      perContactLimit: null,
      terms: null,
      enabled: true,
    });
  });

  it('sends a number that is not one as typed, so the API names the field', () => {
    const out = campaignToApi({ ...emptyCampaign(), name: 'x', percent: 'ten' }, 'UTC');
    expect(out.discount).toEqual({ percent: 'ten' });
  });

  it('finds the wall-clock instant and the day in a zone', () => {
    expect(zonedToIso('2026-03-29', '03:30:00.000', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedToIso('2026-01-01', '00:00:00.000', 'Asia/Tokyo')).toBe('2025-12-31T15:00:00.000Z');
    expect(dayInZone('2025-12-31T15:00:00.000Z', 'Asia/Tokyo')).toBe('2026-01-01');
    expect(dayInZone('2025-12-31T15:00:00.000Z', 'UTC')).toBe('2025-12-31');
  });

  it('writes the discount in the current language', () => {
    expect(discountText({ percent: 15 }, 'en')).toBe('15%');
    expect(discountText({ amount: 500, currency: 'RUB' }, 'ru')).toMatch(/^500\s₽$/);
  });

  it('scales the day bars to the tallest figure', () => {
    const { top, bars } = dayBars([
      { day: '2026-06-01', issued: 4, redemptions: 1 },
      { day: '2026-06-02', issued: 0, redemptions: 2 },
    ]);
    expect(top).toBe(4);
    expect(bars.map((b) => [b.issuedShare, b.redeemedShare, b.issued])).toEqual([
      [1, 0.25, 4],
      [0, 0.5, 0],
    ]);
    expect(dayBars([]).top).toBe(1);
  });

  it('reads a typed code the way it is printed', () => {
    expect(normalizeCode(' abcd 2345 ')).toBe('ABCD2345');
  });
});
