import { type Insertable, type Kysely, sql, type Updateable } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type {
  Coupon,
  CouponCampaign,
  CouponCampaignsTable,
  CouponRedemption,
  CouponSource,
  CouponStatus,
} from '../db/schema.coupons.ts';
import type { Database } from '../db/schema.ts';
import type { FilterGroup } from '../services/segments/filter.ts';
import { type ContactsEb, segmentWhere } from '../services/segments/filter-compiler.ts';

/** What a redeem needs to record beside the coupon. */
export interface RedemptionRecord {
  userId: string | null;
  actorType: string;
  actorName: string;
  via: 'api' | 'staff_bot';
  amount: number | null;
  location: string | null;
  externalRef: string | null;
}

/** Filters of the coupon list (GET /coupons). */
export interface CouponFilter {
  contactId?: string;
  campaignId?: string;
  status?: CouponStatus | 'expired';
}

/** Coupon campaigns, coupons and redemptions. Codes come from the `coupon_code()` column default (migration 0023). */
export class CouponsRepository {
  constructor(private readonly db: DbOrTx) {}

  listCampaigns(): Promise<CouponCampaign[]> {
    return this.db.selectFrom('couponCampaigns').selectAll().orderBy('createdAt', 'desc').execute();
  }

  getCampaign(id: string, forUpdate = false): Promise<CouponCampaign | undefined> {
    const q = this.db.selectFrom('couponCampaigns').selectAll().where('id', '=', id);
    return (forUpdate ? q.forUpdate() : q).executeTakeFirst();
  }

  getCampaignByKey(builtinKey: string): Promise<CouponCampaign | undefined> {
    return this.db
      .selectFrom('couponCampaigns')
      .selectAll()
      .where('builtinKey', '=', builtinKey)
      .executeTakeFirst();
  }

  createCampaign(values: Insertable<CouponCampaignsTable>): Promise<CouponCampaign> {
    return this.db.insertInto('couponCampaigns').values(values).returningAll().executeTakeFirstOrThrow();
  }

  updateCampaign(id: string, patch: Updateable<CouponCampaignsTable>): Promise<CouponCampaign> {
    return this.db
      .updateTable('couponCampaigns')
      .set({ ...patch, updatedAt: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Serialises issuing to one contact from one campaign until the transaction ends, so the per-contact limit holds
   * under concurrent issues (a transaction-scoped advisory lock: nothing to clean up, no row to create first).
   */
  async lockContactCampaign(campaignId: string, contactId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`coupon:${campaignId}:${contactId}`}, 0))`.execute(
      this.db,
    );
  }

  /** Coupons of a campaign a contact holds, revoked ones excluded (they no longer count against the limit). */
  async countForContact(campaignId: string, contactId: string): Promise<number> {
    const row = await this.db
      .selectFrom('coupons')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('campaignId', '=', campaignId)
      .where('contactId', '=', contactId)
      .where('status', '!=', 'revoked')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  findByRef(campaignId: string, source: CouponSource, sourceRef: string): Promise<Coupon | undefined> {
    return this.db
      .selectFrom('coupons')
      .selectAll()
      .where('campaignId', '=', campaignId)
      .where('source', '=', source)
      .where('sourceRef', '=', sourceRef)
      .executeTakeFirst();
  }

  /**
   * Inserts a coupon with a fresh code; undefined when the (campaign, source, sourceRef) already exists or the random
   * code collided: the caller looks the reference up, or retries for a new code.
   */
  insert(values: {
    campaignId: string;
    contactId: string;
    source: CouponSource;
    sourceRef: string | null;
    validFrom: Date | null;
    validUntil: Date | null;
    issuedBy: string | null;
    deliveryStatus: 'none' | 'pending';
    /** The service clock's now: validity and statistics use the same time line. */
    createdAt: Date;
  }): Promise<Coupon | undefined> {
    return this.db
      .insertInto('coupons')
      .values(values)
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  get(id: string): Promise<Coupon | undefined> {
    return this.db.selectFrom('coupons').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getByCode(code: string): Promise<Coupon | undefined> {
    return this.db.selectFrom('coupons').selectAll().where('code', '=', code).executeTakeFirst();
  }

  /** Newest first, keyset on (created_at, id); served by coupons_contact_idx / coupons_campaign_idx. */
  list(filter: CouponFilter, limit: number, after: { createdAt: Date; id: string } | null, now: Date) {
    let q = this.db.selectFrom('coupons').selectAll();
    if (filter.contactId) q = q.where('contactId', '=', filter.contactId);
    if (filter.campaignId) q = q.where('campaignId', '=', filter.campaignId);
    if (filter.status === 'expired') q = q.where('status', '=', 'active').where('validUntil', '<=', now);
    else if (filter.status === 'active')
      q = q
        .where('status', '=', 'active')
        .where((eb) => eb.or([eb('validUntil', 'is', null), eb('validUntil', '>', now)]));
    else if (filter.status) q = q.where('status', '=', filter.status);
    if (after)
      q = q.where((eb) =>
        eb.or([
          eb('createdAt', '<', after.createdAt),
          eb.and([eb('createdAt', '=', after.createdAt), eb('id', '<', after.id)]),
        ]),
      );
    return q.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /**
   * Takes one use of a coupon in one statement. Concurrent redeems of one code queue on the row lock; under READ
   * COMMITTED each waiter re-checks the WHERE against the winner's committed row, so once the last use is gone the others
   * match nothing (undefined): exactly `per_coupon_limit` redeems succeed. The caller classifies a miss by reading the row.
   */
  takeUse(code: string, now: Date): Promise<Coupon | undefined> {
    return this.db
      .updateTable('coupons as c')
      .from('couponCampaigns as k')
      .set({
        uses: sql`c.uses + 1`,
        status: sql`case when c.uses + 1 >= k.per_coupon_limit then 'redeemed' else c.status end`,
      })
      .whereRef('k.id', '=', 'c.campaignId')
      .where('c.code', '=', code)
      .where('c.status', '=', 'active')
      .where(sql<boolean>`c.uses < k.per_coupon_limit`)
      .where((eb) => eb.or([eb('c.validFrom', 'is', null), eb('c.validFrom', '<=', now)]))
      .where((eb) => eb.or([eb('c.validUntil', 'is', null), eb('c.validUntil', '>', now)]))
      .returningAll('c')
      .executeTakeFirst() as Promise<Coupon | undefined>;
  }

  /** Revokes an active coupon; undefined when it is not active (already used up or revoked). */
  revoke(id: string): Promise<Coupon | undefined> {
    return this.db
      .updateTable('coupons')
      .set({ status: 'revoked' })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .returningAll()
      .executeTakeFirst();
  }

  recordRedemption(coupon: Coupon, r: RedemptionRecord, now: Date): Promise<CouponRedemption> {
    return this.db
      .insertInto('couponRedemptions')
      .values({ couponId: coupon.id, campaignId: coupon.campaignId, ...r, redeemedAt: now })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findRedemptionByRef(externalRef: string): Promise<CouponRedemption | undefined> {
    return this.db
      .selectFrom('couponRedemptions')
      .selectAll()
      .where('externalRef', '=', externalRef)
      .executeTakeFirst();
  }

  redemptionsOf(couponId: string): Promise<CouponRedemption[]> {
    return this.db
      .selectFrom('couponRedemptions')
      .selectAll()
      .where('couponId', '=', couponId)
      .orderBy('redeemedAt')
      .execute();
  }

  /**
   * Issues one coupon to every contact of a segment in one statement (set-based: no per-contact round trips), skipping
   * contacts that already have this batch's coupon (`source_ref = <batch>:<contact>`, so a re-run after a crash or a code
   * collision only fills the gaps) and, when the campaign has a per-contact limit, contacts at that limit. Codes come
   * from the column default; a collision drops that row (`on conflict do nothing`) and the caller runs it again.
   */
  async insertForSegment(input: {
    campaign: CouponCampaign;
    filter: FilterGroup;
    batchId: string;
    validFrom: Date | null;
    validUntil: Date | null;
    issuedBy: string | null;
    createdAt: Date;
  }): Promise<number> {
    const { campaign, batchId } = input;
    const limit = campaign.perContactLimit;
    const db = this.db as Kysely<Database>;
    const select = db
      .selectFrom('contacts')
      .where(segmentWhere(input.filter) as (eb: ContactsEb) => never)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('coupons as x')
              .select(sql`1`.as('one'))
              .where('x.campaignId', '=', campaign.id)
              .where('x.source', '=', 'segment')
              .whereRef('x.sourceRef', '=', sql`${`${batchId}:`} || contacts.id::text`),
          ),
        ),
      )
      .$if(limit !== null, (q) =>
        q.where(
          (eb) =>
            eb
              .selectFrom('coupons as y')
              .select((e) => e.fn.countAll().as('n'))
              .where('y.campaignId', '=', campaign.id)
              .whereRef('y.contactId', '=', 'contacts.id')
              .where('y.status', '!=', 'revoked'),
          '<',
          limit ?? 0,
        ),
      )
      .select([
        sql<string>`${campaign.id}::uuid`.as('campaignId'),
        'contacts.id as contactId',
        sql<string>`'segment'`.as('source'),
        sql<string>`${`${batchId}:`} || contacts.id::text`.as('sourceRef'),
        sql<Date | null>`${input.validFrom}::timestamptz`.as('validFrom'),
        sql<Date | null>`${input.validUntil}::timestamptz`.as('validUntil'),
        sql<string | null>`${input.issuedBy}::uuid`.as('issuedBy'),
        sql<string>`'pending'`.as('deliveryStatus'),
        sql<Date>`${input.createdAt}::timestamptz`.as('createdAt'),
      ]);
    const res = await db
      .insertInto('coupons')
      .columns([
        'campaignId',
        'contactId',
        'source',
        'sourceRef',
        'validFrom',
        'validUntil',
        'issuedBy',
        'deliveryStatus',
        'createdAt',
      ])
      .expression(select)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0);
  }

  /**
   * Up to `limit` coupons of a segment batch still waiting to be sent, locked for this worker (SKIP LOCKED: a second
   * worker on the same batch takes other rows) and marked `sending` in the same statement.
   */
  async claimBatchDeliveries(campaignId: string, batchId: string, limit: number): Promise<Coupon[]> {
    const rows = await sql<Coupon>`
      update coupons set delivery_status = 'sending'
      where id in (
        select id from coupons
        where campaign_id = ${campaignId} and delivery_status = 'pending' and source_ref like ${`${batchId}:%`}
        order by id limit ${limit}
        for update skip locked)
      returning *`.execute(this.db);
    return rows.rows.map(camel);
  }

  /** Moves a coupon's delivery state; `from` guards against finishing a delivery another run already finished. */
  async setDelivery(
    id: string,
    from: Coupon['deliveryStatus'][],
    change: {
      deliveryStatus: Coupon['deliveryStatus'];
      deliveryChannel?: string | null;
      deliveryError?: string | null;
      deliveredAt?: Date | null;
    },
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('coupons')
      .set(change)
      .where('id', '=', id)
      .where('deliveryStatus', 'in', from)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }
}

/** Raw `sql` rows skip the CamelCasePlugin: the same keys Kysely would give. */
function camel(row: Record<string, unknown>): Coupon {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row))
    out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  return out as unknown as Coupon;
}
