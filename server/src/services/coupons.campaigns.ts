import type { Insertable, Updateable } from 'kysely';
import type { CouponCampaign, CouponCampaignsTable } from '../db/schema.coupons.ts';
import { type FieldProblem, ValidationError } from '../lib/errors.ts';

/** A discount: a percentage, or an amount in a currency (ISO 4217). */
export type Discount = { percent: number } | { amount: number; currency: string };

/** What POST /coupon-campaigns accepts (and PATCH, every field optional). */
export interface CampaignInput {
  name: string;
  discount: Discount;
  validFrom?: string | null;
  validUntil?: string | null;
  validDays?: number | null;
  perCouponLimit?: number;
  perContactLimit?: number | null;
  terms?: string | null;
  enabled?: boolean;
}

/** The discount of a stored campaign. */
export function discountOf(c: CouponCampaign): Discount {
  return c.discountPercent !== null
    ? { percent: Number(c.discountPercent) }
    : { amount: Number(c.discountAmount), currency: c.currency ?? '' };
}

/** Columns of a new campaign; cross-field problems (dates in the wrong order) are a 400 naming the field. */
export function campaignValues(input: CampaignInput): Insertable<CouponCampaignsTable> {
  const values: Insertable<CouponCampaignsTable> = {
    name: input.name.trim(),
    ...discountColumns(input.discount),
    validFrom: input.validFrom ?? null,
    validUntil: input.validUntil ?? null,
    validDays: input.validDays ?? null,
    perCouponLimit: input.perCouponLimit ?? 1,
    perContactLimit: input.perContactLimit ?? null,
    terms: input.terms ?? null,
    enabled: input.enabled ?? true,
  };
  checkDates(values.validFrom ?? null, values.validUntil ?? null);
  return values;
}

/** Columns a PATCH changes; the dates are checked as they will be after the change. */
export function campaignPatch(
  current: CouponCampaign,
  input: Partial<CampaignInput>,
): Updateable<CouponCampaignsTable> {
  const patch: Updateable<CouponCampaignsTable> = {};
  if (input.name !== undefined) patch.name = input.name.trim();
  if (input.discount !== undefined) Object.assign(patch, discountColumns(input.discount));
  if (input.validFrom !== undefined) patch.validFrom = input.validFrom;
  if (input.validUntil !== undefined) patch.validUntil = input.validUntil;
  if (input.validDays !== undefined) patch.validDays = input.validDays;
  if (input.perCouponLimit !== undefined) patch.perCouponLimit = input.perCouponLimit;
  if (input.perContactLimit !== undefined) patch.perContactLimit = input.perContactLimit;
  if (input.terms !== undefined) patch.terms = input.terms;
  if (input.enabled !== undefined) patch.enabled = input.enabled;
  checkDates(
    input.validFrom !== undefined ? input.validFrom : current.validFrom,
    input.validUntil !== undefined ? input.validUntil : current.validUntil,
  );
  return patch;
}

/**
 * A new coupon's validity: from the campaign's start (if still ahead), until the earlier of the campaign's end and
 * issue + validDays. Neither set: the coupon does not expire.
 */
export function couponValidity(
  c: CouponCampaign,
  now: Date,
): { validFrom: Date | null; validUntil: Date | null } {
  const validFrom = c.validFrom && c.validFrom > now ? c.validFrom : null;
  const start = validFrom ?? now;
  const byDays = c.validDays !== null ? new Date(start.getTime() + c.validDays * 86_400_000) : null;
  const ends = [c.validUntil, byDays].filter((d): d is Date => d !== null);
  const validUntil = ends.length ? new Date(Math.min(...ends.map((d) => d.getTime()))) : null;
  return { validFrom, validUntil };
}

function discountColumns(d: Discount) {
  return 'percent' in d
    ? { discountPercent: d.percent, discountAmount: null, currency: null }
    : { discountPercent: null, discountAmount: d.amount, currency: d.currency.toUpperCase() };
}

function checkDates(from: Date | string | null, until: Date | string | null): void {
  if (from === null || until === null) return;
  if (new Date(until).getTime() <= new Date(from).getTime()) {
    const problems: FieldProblem[] = [{ path: '/validUntil', message: 'must be after validFrom' }];
    throw new ValidationError('The campaign ends before it starts', problems);
  }
}
