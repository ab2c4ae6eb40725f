import { describe, expect, it } from 'vitest';
import { campaignsWithCoupons, couponDays } from './coupon-days.ts';

describe('the coupon card', () => {
  it('charts every day of the period, zeros where the API listed none', () => {
    const days = couponDays({ from: '2026-02-27', to: '2026-03-02' }, [
      { day: '2026-02-28', issued: 3, redemptions: 1 },
      { day: '2026-03-02', issued: 0, redemptions: 2 },
    ]);
    expect(days).toEqual([
      { day: '2026-02-27', issued: 0, redemptions: 0 },
      { day: '2026-02-28', issued: 3, redemptions: 1 },
      { day: '2026-03-01', issued: 0, redemptions: 0 },
      { day: '2026-03-02', issued: 0, redemptions: 2 },
    ]);
  });

  it('lists campaigns that issued coupons, best conversion first', () => {
    const c = (name: string, issued: number, conversion: number) => ({ name, issued, conversion });
    expect(
      campaignsWithCoupons([
        c('Birthday', 0, 0),
        c('Autumn', 3, 0.3333),
        c('Winter', 1, 1),
        c('Spring', 6, 0.3333),
      ]).map((x) => x.name),
    ).toEqual(['Winter', 'Spring', 'Autumn']);
  });
});
