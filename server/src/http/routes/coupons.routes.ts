import { Type } from 'typebox';
import { actor } from '../auth.ts';
import { errorResponses, IdParams, Nullable, PageOf, PageQuery, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';
import {
  CampaignBody,
  CouponBody,
  couponAnswer,
  presentCampaign,
  presentCoupon,
  presentRedemption,
  RedemptionBody,
} from './coupons.presenters.ts';

const Code = Type.String({
  minLength: 1,
  maxLength: 40,
  description: 'as printed (XXXX-XXXX); case, spaces and the dash do not matter',
});
const refusals = {
  ...errorResponses,
  409: Type.Ref('Error'),
};

/** Coupons: list, validate and redeem (the cashier's calls). */
export async function couponRoutes(app: Http, { services }: HttpDeps) {
  const { coupons } = services;
  const now = () => services.ctx.clock.now();

  app.get(
    '/api/v1/coupons',
    {
      config: { access: 'coupons:read' },
      schema: {
        tags: ['coupons'],
        summary: 'List coupons, newest first',
        querystring: Type.Object(
          {
            contactId: Type.Optional(Uuid),
            campaignId: Type.Optional(Uuid),
            status: Type.Optional(
              Type.Union(['active', 'redeemed', 'revoked', 'expired'].map((s) => Type.Literal(s))),
            ),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(CouponBody), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, cursor, ...filter } = req.query as {
        limit?: number;
        cursor?: string;
        contactId?: string;
        campaignId?: string;
        status?: 'active' | 'redeemed' | 'revoked' | 'expired';
      };
      const page = await coupons.list(filter, { limit: limit ?? 50, ...(cursor ? { cursor } : {}) });
      return { data: page.data.map((c) => presentCoupon(c, now())), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/coupons/:id',
    {
      config: { access: 'coupons:read' },
      schema: {
        tags: ['coupons'],
        summary: 'A coupon with its redemptions',
        params: IdParams,
        response: {
          200: Type.Object({ ...CouponBody.properties, redemptions: Type.Array(RedemptionBody) }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const coupon = await coupons.get(req.params.id);
      const redemptions = await services.ctx.repos.coupons.redemptionsOf(coupon.id);
      return { ...presentCoupon(coupon, now()), redemptions: redemptions.map(presentRedemption) };
    },
  );

  app.post(
    '/api/v1/coupons/:id/revoke',
    {
      config: { access: 'coupons:write' },
      schema: {
        tags: ['coupons'],
        summary:
          'Revoke an active coupon: it can no longer be redeemed (409 when already used up or revoked)',
        params: IdParams,
        response: { 200: CouponBody, ...refusals },
      },
    },
    async (req, reply) =>
      couponAnswer(reply, async () => presentCoupon(await coupons.revoke(actor(req), req.params.id), now())),
  );

  app.post(
    '/api/v1/coupons/validate',
    {
      config: { access: 'coupons:read' },
      schema: {
        tags: ['coupons'],
        summary: 'Check a code: whether it can be redeemed now, and its discount',
        description:
          'valid false comes with reason expired, not_yet_valid, used_up or revoked. Unknown code: 404 coupon_not_found.',
        body: Type.Object({ code: Code }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            valid: Type.Boolean(),
            reason: Nullable(Type.String()),
            coupon: CouponBody,
            campaign: CampaignBody,
            contactName: Nullable(Type.String()),
          }),
          ...refusals,
        },
      },
    },
    async (req, reply) =>
      couponAnswer(reply, async () => {
        const v = await coupons.validate(req.body.code);
        return {
          valid: v.valid,
          reason: v.reason,
          coupon: presentCoupon(v.coupon, now()),
          campaign: presentCampaign(v.campaign),
          contactName: v.contactName,
        };
      }),
  );

  app.post(
    '/api/v1/coupons/redeem',
    {
      config: { access: 'coupons:write' },
      schema: {
        tags: ['coupons'],
        summary: 'Redeem a code once, recorded with who, when, where and the purchase amount',
        description:
          'Concurrent redeems of one code: one succeeds, the others get 409 coupon_used_up. Refusals: 404 ' +
          'coupon_not_found; 409 coupon_expired, coupon_not_yet_valid, coupon_used_up, coupon_revoked.',
        body: Type.Object(
          {
            code: Code,
            amount: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1e10 }))),
            location: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ coupon: CouponBody, redemption: RedemptionBody }), ...refusals },
      },
    },
    async (req, reply) =>
      couponAnswer(reply, async () => {
        const { coupon, redemption } = await coupons.redeem(actor(req), req.body, { via: 'api' });
        return { coupon: presentCoupon(coupon, now()), redemption: presentRedemption(redemption) };
      }),
  );
}
