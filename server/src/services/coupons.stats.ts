import type { CouponStatsRange } from '../repositories/coupons-stats.repository.ts';
import type { Repos } from '../repositories/index.ts';
import type { CsvTable } from './reports-csv.ts';

/** Conversion as a share of issued coupons (0 when none were issued), rounded to 4 places. */
const rate = (redeemed: number, issued: number) =>
  issued === 0 ? 0 : Math.round((redeemed / issued) * 10_000) / 10_000;

/** Coupon statistics of a period: per campaign and issuing source (issued, redeemed, conversion), redemptions per staff member and location, per day. */
export async function couponStats(r: Repos, range: CouponStatsRange) {
  const [campaigns, sources, staff, locations, days] = await Promise.all([
    r.couponStats.byCampaign(range),
    r.couponStats.bySource(range),
    r.couponStats.redemptionsBy(range, 'staff'),
    r.couponStats.redemptionsBy(range, 'location'),
    r.couponStats.perDay(range),
  ]);
  const issued = campaigns.reduce((s, c) => s + c.issued, 0);
  const redeemed = campaigns.reduce((s, c) => s + c.redeemed, 0);
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    timezone: range.timezone,
    totals: {
      issued,
      redeemed,
      conversion: rate(redeemed, issued),
      redemptions: staff.reduce((s, x) => s + x.redemptions, 0),
    },
    campaigns: campaigns.map((c) => ({
      campaignId: c.key,
      name: c.name,
      issued: c.issued,
      redeemed: c.redeemed,
      conversion: rate(c.redeemed, c.issued),
    })),
    sources: sources.map((s) => ({
      source: s.key,
      issued: s.issued,
      redeemed: s.redeemed,
      conversion: rate(s.redeemed, s.issued),
    })),
    staff: staff.map((s) => ({ key: s.key, name: s.name, redemptions: s.redemptions, amount: s.amount })),
    locations: locations.map((l) => ({
      location: l.name || null,
      redemptions: l.redemptions,
      amount: l.amount,
    })),
    days,
  };
}

export type CouponStats = Awaited<ReturnType<typeof couponStats>>;

/** The report as CSV: one row per campaign (the per-day figures are in the JSON answer). */
export function couponStatsTable(s: CouponStats): CsvTable {
  return {
    columns: ['campaign_id', 'campaign', 'issued', 'redeemed', 'conversion'],
    rows: s.campaigns.map((c) => [c.campaignId, c.name, c.issued, c.redeemed, c.conversion]),
  };
}
