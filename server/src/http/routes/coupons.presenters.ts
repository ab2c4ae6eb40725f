import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { Coupon, CouponCampaign, CouponRedemption } from '../../db/schema.coupons.ts';
import { discountOf } from '../../services/coupons.campaigns.ts';
import { CouponError } from '../../services/coupons.errors.ts';
import { couponStatus } from '../../services/coupons.service.ts';
import { Nullable } from '../schemas.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const Discount = Type.Union([
  Type.Object(
    { percent: Type.Number({ exclusiveMinimum: 0, maximum: 100 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      amount: Type.Number({ exclusiveMinimum: 0, maximum: 1e10 }),
      currency: Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217, e.g. RUB' }),
    },
    { additionalProperties: false },
  ),
]);

export const CampaignBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  builtinKey: Nullable(Type.String()),
  discount: Discount,
  validFrom: Nullable(Type.String()),
  validUntil: Nullable(Type.String()),
  validDays: Nullable(Type.Integer()),
  perCouponLimit: Type.Integer(),
  perContactLimit: Nullable(Type.Integer()),
  terms: Nullable(Type.String()),
  enabled: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const CouponBody = Type.Object({
  id: Type.String(),
  code: Type.String(),
  campaignId: Type.String(),
  contactId: Type.String(),
  status: Type.String({ description: 'active, redeemed, revoked, or expired (computed from validUntil)' }),
  uses: Type.Integer(),
  validFrom: Nullable(Type.String()),
  validUntil: Nullable(Type.String()),
  source: Type.String(),
  sourceRef: Nullable(Type.String()),
  delivery: Type.Object({
    status: Type.String({ description: 'none, pending, sending, sent, failed' }),
    channel: Nullable(Type.String()),
    error: Nullable(Type.String()),
    deliveredAt: Nullable(Type.String()),
  }),
  createdAt: Type.String(),
});

export const RedemptionBody = Type.Object({
  id: Type.String(),
  couponId: Type.String(),
  redeemedAt: Type.String(),
  redeemedBy: Type.Object({ type: Type.String(), id: Nullable(Type.String()), name: Type.String() }),
  via: Type.String(),
  amount: Nullable(Type.Number()),
  location: Nullable(Type.String()),
});

export function presentCampaign(c: CouponCampaign) {
  return {
    id: c.id,
    name: c.name,
    builtinKey: c.builtinKey,
    discount: discountOf(c),
    validFrom: iso(c.validFrom),
    validUntil: iso(c.validUntil),
    validDays: c.validDays,
    perCouponLimit: c.perCouponLimit,
    perContactLimit: c.perContactLimit,
    terms: c.terms,
    enabled: c.enabled,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function presentCoupon(c: Coupon, now: Date) {
  return {
    id: c.id,
    code: c.code,
    campaignId: c.campaignId,
    contactId: c.contactId,
    status: couponStatus(c, now),
    uses: c.uses,
    validFrom: iso(c.validFrom),
    validUntil: iso(c.validUntil),
    source: c.source,
    sourceRef: c.sourceRef,
    delivery: {
      status: c.deliveryStatus,
      channel: c.deliveryChannel,
      error: c.deliveryError,
      deliveredAt: iso(c.deliveredAt),
    },
    createdAt: c.createdAt.toISOString(),
  };
}

export function presentRedemption(r: CouponRedemption) {
  return {
    id: r.id,
    couponId: r.couponId,
    redeemedAt: r.redeemedAt.toISOString(),
    redeemedBy: { type: r.actorType, id: r.userId, name: r.actorName },
    via: r.via,
    amount: r.amount === null ? null : Number(r.amount),
    location: r.location,
  };
}

/** Runs a coupon operation; a CouponError is answered with its own status and code (see coupons.errors.ts). */
export async function couponAnswer<T>(reply: FastifyReply, run: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof CouponError)) throw err;
    return reply
      .status(err.status)
      .send({ error: { code: err.code, message: err.message, details: err.details } });
  }
}
