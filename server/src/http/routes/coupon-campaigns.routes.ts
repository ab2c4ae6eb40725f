import { Type } from 'typebox';
import { actor } from '../auth.ts';
import { errorResponses, IdParams, Nullable, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';
import { CouponStatsBody, StatsQuery } from './coupon-reports.routes.ts';
import {
  CampaignBody,
  CouponBody,
  couponAnswer,
  Discount,
  presentCampaign,
  presentCoupon,
} from './coupons.presenters.ts';

const DateTime = Type.String({ format: 'date-time' });
const fields = {
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  discount: Discount,
  validFrom: Type.Optional(Nullable(DateTime)),
  validUntil: Type.Optional(Nullable(DateTime)),
  validDays: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 3650 }))),
  perCouponLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  perContactLimit: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000 }))),
  terms: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  enabled: Type.Optional(Type.Boolean()),
};
const refusals = { ...errorResponses, 409: Type.Ref('Error') };

/** Coupon campaigns: create, list, change, issue to a contact or a segment, statistics. */
export async function couponCampaignRoutes(app: Http, { services }: HttpDeps) {
  const { coupons } = services;
  const now = () => services.ctx.clock.now();

  app.get(
    '/api/v1/coupon-campaigns',
    {
      config: { access: 'coupons:read' },
      schema: {
        tags: ['coupons'],
        summary: 'List coupon campaigns, newest first (the built-in Birthday campaign included)',
        response: { 200: Type.Object({ data: Type.Array(CampaignBody) }), ...errorResponses },
      },
    },
    async () => ({ data: (await coupons.listCampaigns()).map(presentCampaign) }),
  );

  app.post(
    '/api/v1/coupon-campaigns',
    {
      config: { access: 'coupons:write' },
      schema: {
        tags: ['coupons'],
        summary: 'Create a coupon campaign',
        description:
          'discount is {percent} or {amount, currency}. Validity: fixed dates (validFrom/validUntil), validDays from ' +
          'issue, or both (a coupon then ends at the earlier); none = coupons do not expire. perCouponLimit: redeems per ' +
          'coupon (default 1); perContactLimit: coupons per contact (null = any).',
        body: Type.Object(fields, { additionalProperties: false }),
        response: { 201: CampaignBody, ...errorResponses },
      },
    },
    async (req, reply) =>
      reply.status(201).send(presentCampaign(await coupons.createCampaign(actor(req), req.body))),
  );

  app.get(
    '/api/v1/coupon-campaigns/:id',
    {
      config: { access: 'coupons:read' },
      schema: {
        tags: ['coupons'],
        summary: 'Get a coupon campaign',
        params: IdParams,
        response: { 200: CampaignBody, ...errorResponses },
      },
    },
    async (req) => presentCampaign(await coupons.getCampaign(req.params.id)),
  );

  app.patch(
    '/api/v1/coupon-campaigns/:id',
    {
      config: { access: 'coupons:write' },
      schema: {
        tags: ['coupons'],
        summary: 'Change a coupon campaign (coupons already issued keep their validity)',
        params: IdParams,
        body: Type.Partial(Type.Object(fields), { additionalProperties: false, minProperties: 1 }),
        response: { 200: CampaignBody, ...errorResponses },
      },
    },
    async (req) => presentCampaign(await coupons.updateCampaign(actor(req), req.params.id, req.body)),
  );

  app.post(
    '/api/v1/coupon-campaigns/:id/issue',
    {
      config: { access: 'coupons:write' },
      schema: {
        tags: ['coupons'],
        summary: 'Issue a coupon to a contact (201 with the code) or to every contact of a segment (202)',
        description:
          'The customer receives the code with a QR image in Telegram (else by email) unless deliver is false. ' +
          '{contactId, sourceRef?}: a repeat with the same sourceRef returns the first coupon (200). {segmentId}: one ' +
          'set-based insert, then a delivery job; answers the batch id and how many were issued. Refusals: ' +
          'campaign_disabled, campaign_ended, coupon_limit_reached (409).',
        params: IdParams,
        body: Type.Union([
          Type.Object(
            {
              contactId: Uuid,
              sourceRef: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
              deliver: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          Type.Object({ segmentId: Uuid }, { additionalProperties: false }),
        ]),
        response: {
          200: CouponBody,
          201: CouponBody,
          202: Type.Object({ batchId: Type.String(), issued: Type.Integer() }),
          ...refusals,
        },
      },
    },
    async (req, reply) =>
      couponAnswer(reply, async () => {
        const body = req.body as {
          contactId?: string;
          sourceRef?: string;
          deliver?: boolean;
          segmentId?: string;
        };
        if (body.segmentId) {
          const filter = await services.segments.filterOf(body.segmentId);
          const out = await coupons.issueToSegment(actor(req), req.params.id, body.segmentId, filter);
          return reply.status(202).send(out);
        }
        const { coupon, created } = await coupons.issue({
          campaignId: req.params.id,
          contactId: body.contactId!,
          source: 'manual',
          ...(body.sourceRef ? { sourceRef: body.sourceRef } : {}),
          ...(body.deliver !== undefined ? { deliver: body.deliver } : {}),
          actor: actor(req),
        });
        return reply.status(created ? 201 : 200).send(presentCoupon(coupon, now()));
      }),
  );

  app.get(
    '/api/v1/coupon-campaigns/:id/stats',
    {
      config: { access: 'coupons:read' },
      schema: {
        tags: ['coupons'],
        summary:
          "A campaign's statistics: issued, redeemed, conversion per source, redemptions per staff member, location and day",
        params: IdParams,
        querystring: StatsQuery,
        response: { 200: CouponStatsBody, ...errorResponses },
      },
    },
    async (req) => {
      await coupons.getCampaign(req.params.id);
      return coupons.stats({ ...req.query, campaignId: req.params.id });
    },
  );
}
