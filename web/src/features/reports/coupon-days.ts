import { addDays, type Period, periodDays } from './period.ts';

/** One day of the coupon chart. */
export interface CouponDay {
  day: string;
  issued: number;
  redemptions: number;
}

/**
 * Every day of the period in order, zeros where the API listed none: the coupons report leaves out days without coupons,
 * while the chart's axis, like the other cards', shows the whole period.
 */
export function couponDays(period: Period, days: readonly CouponDay[]): CouponDay[] {
  const byDay = new Map(days.map((d) => [d.day, d]));
  return Array.from({ length: Math.max(0, periodDays(period)) }, (_, i) => {
    const day = addDays(period.from, i);
    return byDay.get(day) ?? { day, issued: 0, redemptions: 0 };
  });
}

/** Campaigns that issued coupons in the period, best conversion first (ties: more issued first). */
export function campaignsWithCoupons<T extends { issued: number; conversion: number; name: string }>(
  campaigns: readonly T[],
): T[] {
  return campaigns
    .filter((c) => c.issued > 0)
    .sort((a, b) => b.conversion - a.conversion || b.issued - a.issued || a.name.localeCompare(b.name));
}
