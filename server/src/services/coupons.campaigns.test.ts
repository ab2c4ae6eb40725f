import { describe, expect, it } from 'vitest';
import type { CouponCampaign } from '../db/schema.coupons.ts';
import { campaignValues, couponValidity } from './coupons.campaigns.ts';

const campaign = (over: Partial<CouponCampaign>): CouponCampaign => ({
  id: 'c',
  name: 'x',
  builtinKey: null,
  discountPercent: '10',
  discountAmount: null,
  currency: null,
  validFrom: null,
  validUntil: null,
  validDays: null,
  perCouponLimit: 1,
  perContactLimit: null,
  terms: null,
  enabled: true,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});
const now = new Date('2026-03-01T10:00:00Z');

describe('coupon validity', () => {
  it('runs N days from issue', () => {
    expect(couponValidity(campaign({ validDays: 14 }), now)).toEqual({
      validFrom: null,
      validUntil: new Date('2026-03-15T10:00:00Z'),
    });
  });

  it("ends at the campaign's end when that comes before N days", () => {
    const until = new Date('2026-03-05T00:00:00Z');
    expect(couponValidity(campaign({ validDays: 14, validUntil: until }), now).validUntil).toEqual(until);
  });

  it("starts at the campaign's start when that is still ahead, and counts the days from there", () => {
    const from = new Date('2026-03-10T00:00:00Z');
    expect(couponValidity(campaign({ validFrom: from, validDays: 1 }), now)).toEqual({
      validFrom: from,
      validUntil: new Date('2026-03-11T00:00:00Z'),
    });
  });

  it('never expires without dates or days', () => {
    expect(couponValidity(campaign({}), now)).toEqual({ validFrom: null, validUntil: null });
  });

  it('refuses a campaign that ends before it starts, naming validUntil', () => {
    expect(() =>
      campaignValues({
        name: 'x',
        discount: { amount: 500, currency: 'rub' },
        validFrom: '2026-03-10T00:00:00Z',
        validUntil: '2026-03-01T00:00:00Z',
      }),
    ).toThrow(expect.objectContaining({ details: [expect.objectContaining({ path: '/validUntil' })] }));
  });
});
