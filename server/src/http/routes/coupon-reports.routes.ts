import { Type } from 'typebox';
import { couponStatsTable } from '../../services/coupons.stats.ts';
import { toCsv } from '../../services/reports-csv.ts';
import { errorResponses, Nullable, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';
import { reportQuery } from './reports.schemas.ts';

export const StatsQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    timezone: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

const Conversion = {
  issued: Type.Integer(),
  redeemed: Type.Integer({ description: 'coupons issued in the period used at least once' }),
  conversion: Type.Number({ description: 'redeemed / issued, 0..1' }),
};

export const CouponStatsBody = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timezone: Type.String(),
  totals: Type.Object({ ...Conversion, redemptions: Type.Integer() }),
  campaigns: Type.Array(Type.Object({ campaignId: Type.String(), name: Type.String(), ...Conversion })),
  sources: Type.Array(Type.Object({ source: Type.String(), ...Conversion })),
  staff: Type.Array(
    Type.Object({
      key: Type.String(),
      name: Type.String(),
      redemptions: Type.Integer(),
      amount: Type.Number(),
    }),
  ),
  locations: Type.Array(
    Type.Object({ location: Nullable(Type.String()), redemptions: Type.Integer(), amount: Type.Number() }),
  ),
  days: Type.Array(Type.Object({ day: Type.String(), issued: Type.Integer(), redemptions: Type.Integer() })),
});

/** GET /api/v1/reports/coupons (and .csv): coupon statistics across campaigns. */
export async function couponReportRoutes(app: Http, { services }: HttpDeps) {
  for (const csvPath of [false, true]) {
    app.get(
      `/api/v1/reports/coupons${csvPath ? '.csv' : ''}`,
      {
        config: { access: 'coupons:read' },
        schema: {
          tags: ['reports'],
          summary: `Coupons: issued, redeemed and conversion per campaign and source; redemptions per staff member, location and day${csvPath ? ' (CSV)' : ''}`,
          description:
            'The period as every report takes it (default: the last 30 days), at most 367 days: ISO date-times `[from, to)` ' +
            'or dates YYYY-MM-DD, both days included (the dashboard sends dates); days are calendar days in `timezone` ' +
            "(default: the workspace's). `days` lists only days with coupons issued or redeemed. " +
            '`format=csv` (or the `.csv` path): one row per campaign.',
          querystring: reportQuery({ campaignId: Type.Optional(Uuid) }),
          ...(csvPath ? { produces: ['text/csv'] } : {}),
          response: {
            200: csvPath ? { type: 'string', description: 'text/csv' } : CouponStatsBody,
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        const { format, campaignId, ...bounds } = req.query as {
          format?: string;
          from?: string;
          to?: string;
          timezone?: string;
          campaignId?: string;
        };
        // Bounds read as every other report reads them (dates in the zone included), so one dashboard period fits all.
        const period = await services.reports.period(bounds);
        const stats = await services.coupons.stats({
          from: period.from.toISOString(),
          to: period.to.toISOString(),
          timezone: period.timezone,
          ...(campaignId ? { campaignId } : {}),
        });
        if (!csvPath && format !== 'csv') return stats;
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="coupons-${stats.from.slice(0, 10)}-${stats.to.slice(0, 10)}.csv"`,
          )
          .send(toCsv(couponStatsTable(stats)));
      },
    );
  }
}
