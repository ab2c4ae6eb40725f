import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** The window and grouping of coupon statistics. `timezone` decides where a day starts. */
export interface CouponStatsRange {
  from: Date;
  to: Date;
  timezone: string;
  campaignId?: string;
}

/** Issued and redeemed coupons of one group (a campaign, an issuing source). */
export interface ConversionRow {
  key: string;
  name: string;
  issued: number;
  redeemed: number;
}

export interface RedemptionGroupRow {
  key: string;
  name: string;
  redemptions: number;
  amount: number;
}

export interface DayRow {
  day: string;
  issued: number;
  redemptions: number;
}

const n = (v: unknown) => Number(v ?? 0);

/**
 * Coupon statistics: grouped reads over coupons (by created_at: coupons_campaign_idx) and coupon_redemptions (by
 * redeemed_at: coupon_redemptions_campaign_idx). "Redeemed" counts coupons issued in the window that were used at least
 * once (whenever), so conversion = redeemed / issued never exceeds 1.
 */
export class CouponsStatsRepository {
  constructor(private readonly db: DbOrTx) {}

  async byCampaign(range: CouponStatsRange): Promise<ConversionRow[]> {
    const res = await sql<Record<string, unknown>>`
      select k.id as key, k.name,
             count(c.id) as issued,
             count(c.id) filter (where c.uses > 0) as redeemed
      from coupon_campaigns k
      left join coupons c on c.campaign_id = k.id and c.created_at >= ${range.from} and c.created_at < ${range.to}
      where (${range.campaignId ?? null}::uuid is null or k.id = ${range.campaignId ?? null}::uuid)
      group by k.id, k.name
      order by count(c.id) desc, k.name`.execute(this.db);
    return res.rows.map((r) => ({
      key: String(r.key),
      name: String(r.name),
      issued: n(r.issued),
      redeemed: n(r.redeemed),
    }));
  }

  async bySource(range: CouponStatsRange): Promise<ConversionRow[]> {
    const res = await sql<Record<string, unknown>>`
      select c.source as key, count(*) as issued, count(*) filter (where c.uses > 0) as redeemed
      from coupons c
      where c.created_at >= ${range.from} and c.created_at < ${range.to}
        and (${range.campaignId ?? null}::uuid is null or c.campaign_id = ${range.campaignId ?? null}::uuid)
      group by c.source order by c.source`.execute(this.db);
    return res.rows.map((r) => ({
      key: String(r.key),
      name: String(r.key),
      issued: n(r.issued),
      redeemed: n(r.redeemed),
    }));
  }

  /** Redemptions grouped by who redeemed (user id, else the recorded name) or by location. */
  async redemptionsBy(range: CouponStatsRange, by: 'staff' | 'location'): Promise<RedemptionGroupRow[]> {
    const key = by === 'staff' ? sql`coalesce(r.user_id::text, r.actor_name)` : sql`coalesce(r.location, '')`;
    const name = by === 'staff' ? sql`max(r.actor_name)` : sql`coalesce(r.location, '')`;
    const res = await sql<Record<string, unknown>>`
      select ${key} as key, ${name} as name, count(*) as redemptions, coalesce(sum(r.amount), 0) as amount
      from coupon_redemptions r
      where r.redeemed_at >= ${range.from} and r.redeemed_at < ${range.to}
        and (${range.campaignId ?? null}::uuid is null or r.campaign_id = ${range.campaignId ?? null}::uuid)
      group by ${key}${by === 'location' ? sql`, coalesce(r.location, '')` : sql``}
      order by count(*) desc`.execute(this.db);
    return res.rows.map((r) => ({
      key: String(r.key),
      name: String(r.name),
      redemptions: n(r.redemptions),
      amount: n(r.amount),
    }));
  }

  /** Issued coupons and redemptions per local day of `timezone`; days without either are left out. */
  async perDay(range: CouponStatsRange): Promise<DayRow[]> {
    const tz = range.timezone;
    const res = await sql<Record<string, unknown>>`
      with issued as (
        select (c.created_at at time zone ${tz})::date as day, count(*) as issued
        from coupons c
        where c.created_at >= ${range.from} and c.created_at < ${range.to}
          and (${range.campaignId ?? null}::uuid is null or c.campaign_id = ${range.campaignId ?? null}::uuid)
        group by 1),
      used as (
        select (r.redeemed_at at time zone ${tz})::date as day, count(*) as redemptions
        from coupon_redemptions r
        where r.redeemed_at >= ${range.from} and r.redeemed_at < ${range.to}
          and (${range.campaignId ?? null}::uuid is null or r.campaign_id = ${range.campaignId ?? null}::uuid)
        group by 1)
      select to_char(coalesce(i.day, u.day), 'YYYY-MM-DD') as day,
             coalesce(i.issued, 0) as issued, coalesce(u.redemptions, 0) as redemptions
      from issued i full join used u on u.day = i.day
      order by 1`.execute(this.db);
    return res.rows.map((r) => ({ day: String(r.day), issued: n(r.issued), redemptions: n(r.redemptions) }));
  }
}
