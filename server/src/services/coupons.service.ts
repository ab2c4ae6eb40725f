import type { Coupon, CouponCampaign, CouponSource } from '../db/schema.coupons.ts';
import { decodeCursor, encodeCursor, invalidCursor, type Page } from '../lib/cursor.ts';
import { NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { CouponFilter, RedemptionRecord } from '../repositories/coupons.repository.ts';
import type { Repos } from '../repositories/index.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { type CampaignInput, campaignPatch, campaignValues, couponValidity } from './coupons.campaigns.ts';
import { normalizeCode } from './coupons.codes.ts';
import { CouponError } from './coupons.errors.ts';
import { type CouponStats, couponStats } from './coupons.stats.ts';
import type { FilterGroup } from './segments/filter.ts';

/** What `issue` accepts (the contract automations and the birthday rule code against). */
export interface IssueInput {
  campaignId: string;
  contactId: string;
  source: CouponSource;
  /** Idempotency: a second issue with the same (campaign, source, sourceRef) returns the first coupon. */
  sourceRef?: string;
  /** Send the code with its QR image to the contact (default true). */
  deliver?: boolean;
  actor?: Actor;
}

/** Validity of a code as the cashier sees it. */
export interface Validation {
  valid: boolean;
  /** Why not, when not valid. */
  reason: 'expired' | 'not_yet_valid' | 'used_up' | 'revoked' | null;
  coupon: Coupon;
  campaign: CouponCampaign;
  contactName: string | null;
}

const SYSTEM: Actor = { type: 'system', id: null, name: 'automation' };
/** A random code collides with an existing one about once in 10^11 issues; a few retries are plenty. */
const CODE_ATTEMPTS = 5;

/**
 * Coupon campaigns and coupons: issuing (idempotent per source reference, per-contact limits under a lock), validating
 * and redeeming (one statement takes a use: concurrent redeems of one code get one winner). Sending the code to the
 * customer is the `coupons.deliver` job (coupons.delivery.ts), queued in the issuing transaction.
 */
export class CouponsService {
  constructor(private readonly ctx: ServiceContext) {}

  listCampaigns(): Promise<CouponCampaign[]> {
    return this.ctx.repos.coupons.listCampaigns();
  }

  async getCampaign(id: string): Promise<CouponCampaign> {
    const c = await this.ctx.repos.coupons.getCampaign(id);
    if (!c) throw new NotFoundError('Coupon campaign', id);
    return c;
  }

  /** The built-in campaign with this key (`birthday`). */
  async builtinCampaign(key: string): Promise<CouponCampaign | undefined> {
    return this.ctx.repos.coupons.getCampaignByKey(key);
  }

  async createCampaign(actor: Actor, input: CampaignInput): Promise<CouponCampaign> {
    const values = campaignValues(input);
    return inTransaction(this.ctx, async (r) => {
      const created = await r.coupons.createCampaign(values);
      await r.audit.record(actor, {
        action: 'coupon_campaign.created',
        entityType: 'coupon_campaign',
        entityId: created.id,
      });
      return created;
    });
  }

  async updateCampaign(actor: Actor, id: string, input: Partial<CampaignInput> & { enabled?: boolean }) {
    return inTransaction(this.ctx, async (r) => {
      const current = await r.coupons.getCampaign(id, true);
      if (!current) throw new NotFoundError('Coupon campaign', id);
      const updated = await r.coupons.updateCampaign(id, campaignPatch(current, input));
      await r.audit.record(actor, {
        action: 'coupon_campaign.updated',
        entityType: 'coupon_campaign',
        entityId: id,
      });
      return updated;
    });
  }

  /**
   * Issues a coupon to a contact. With `r`, inside the caller's transaction (an automation step), else in its own.
   * Idempotent on (campaignId, source, sourceRef) when sourceRef is given: the second call returns the first coupon
   * with `created: false` and sends nothing again.
   */
  async issue(input: IssueInput, r?: Repos): Promise<{ coupon: Coupon; created: boolean }> {
    if (r) return this.issueIn(r, input);
    return inTransaction(this.ctx, (tx) => this.issueIn(tx, input));
  }

  private async issueIn(r: Repos, input: IssueInput): Promise<{ coupon: Coupon; created: boolean }> {
    const now = this.ctx.clock.now();
    const campaign = await r.coupons.getCampaign(input.campaignId);
    if (!campaign) throw new NotFoundError('Coupon campaign', input.campaignId);
    const ref = input.sourceRef ?? null;
    if (ref !== null) {
      const existing = await r.coupons.findByRef(campaign.id, input.source, ref);
      if (existing) return { coupon: existing, created: false };
    }
    checkIssuable(campaign, input.source, now);
    if (!(await r.contacts.get(input.contactId))) throw new NotFoundError('Contact', input.contactId);
    await r.coupons.lockContactCampaign(campaign.id, input.contactId);
    if (ref !== null) {
      // A concurrent issue of the same reference may have committed while we waited for the lock.
      const existing = await r.coupons.findByRef(campaign.id, input.source, ref);
      if (existing) return { coupon: existing, created: false };
    }
    if (campaign.perContactLimit !== null) {
      const held = await r.coupons.countForContact(campaign.id, input.contactId);
      if (held >= campaign.perContactLimit)
        throw new CouponError(
          'coupon_limit_reached',
          `This contact already has ${held} coupon(s) of this campaign (limit ${campaign.perContactLimit})`,
        );
    }
    const deliver = input.deliver !== false;
    const actor = input.actor ?? SYSTEM;
    const validity = couponValidity(campaign, now);
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const coupon = await r.coupons.insert({
        campaignId: campaign.id,
        contactId: input.contactId,
        source: input.source,
        sourceRef: ref,
        ...validity,
        issuedBy: actor.type === 'user' ? actor.id : null,
        deliveryStatus: deliver ? 'pending' : 'none',
        createdAt: now,
      });
      if (!coupon) continue;
      if (deliver) await r.jobs.add('coupons.deliver', { couponId: coupon.id }, { maxAttempts: 8 });
      await r.audit.record(actor, {
        action: 'coupon.issued',
        entityType: 'coupon',
        entityId: coupon.id,
        after: { campaignId: campaign.id, contactId: input.contactId, source: input.source },
      });
      return { coupon, created: true };
    }
    throw new Error(`could not generate a unique coupon code in ${CODE_ATTEMPTS} attempts`);
  }

  /**
   * Issues one coupon to every contact of a segment, set-based (see CouponsRepository.insertForSegment), and queues one
   * delivery job for the batch. Answers with the batch id and how many were issued; sending continues in the worker.
   */
  async issueToSegment(actor: Actor, campaignId: string, segmentId: string, filter: FilterGroup) {
    const now = this.ctx.clock.now();
    const batchId = `seg-${segmentId}-${now.getTime().toString(36)}`;
    return inTransaction(this.ctx, async (r) => {
      const campaign = await r.coupons.getCampaign(campaignId, true);
      if (!campaign) throw new NotFoundError('Coupon campaign', campaignId);
      checkIssuable(campaign, 'segment', now);
      const validity = couponValidity(campaign, now);
      let issued = 0;
      // Each pass only fills contacts still without this batch's coupon: a code collision costs one more pass.
      for (let pass = 0; pass < CODE_ATTEMPTS; pass++) {
        const n = await r.coupons.insertForSegment({
          campaign,
          filter,
          batchId,
          ...validity,
          issuedBy: actor.type === 'user' ? actor.id : null,
          createdAt: now,
        });
        issued += n;
        if (n === 0) break;
      }
      if (issued > 0)
        await r.jobs.add(
          'coupons.deliver_batch',
          { campaignId, batchId },
          { jobKey: `coupons.deliver_batch:${batchId}`, maxAttempts: 10 },
        );
      await r.audit.record(actor, {
        action: 'coupon.segment_issued',
        entityType: 'coupon_campaign',
        entityId: campaignId,
        after: { segmentId, batchId, issued },
      });
      return { batchId, issued };
    });
  }

  async get(id: string): Promise<Coupon> {
    const c = await this.ctx.repos.coupons.get(id);
    if (!c) throw new NotFoundError('Coupon', id);
    return c;
  }

  async list(filter: CouponFilter, opts: { limit: number; cursor?: string }): Promise<Page<Coupon>> {
    const pos = opts.cursor
      ? decodeCursor(opts.cursor, (p) => p.k === 'created:desc' && typeof p.v === 'string')
      : null;
    const after = pos ? { createdAt: new Date(pos.v as string), id: pos.id } : null;
    if (after && Number.isNaN(after.createdAt.getTime())) throw invalidCursor();
    const rows = await this.ctx.repos.coupons.list(filter, opts.limit + 1, after, this.ctx.clock.now());
    const page = rows.slice(0, opts.limit);
    const last = page.at(-1);
    return {
      data: page,
      nextCursor:
        rows.length > opts.limit && last
          ? encodeCursor({ v: last.createdAt.toISOString(), id: last.id, k: 'created:desc' })
          : null,
    };
  }

  /** Whether a code can be redeemed now, and what it gives. Unknown or malformed codes: CouponError coupon_not_found. */
  async validate(code: string, r: Repos = this.ctx.repos): Promise<Validation> {
    const coupon = await this.findByCode(r, code);
    const campaign = await r.coupons.getCampaign(coupon.campaignId);
    if (!campaign) throw new NotFoundError('Coupon campaign', coupon.campaignId);
    const contact = await r.contacts.get(coupon.contactId);
    const reason = refusal(coupon, campaign, this.ctx.clock.now());
    return {
      valid: reason === null,
      reason,
      coupon,
      campaign,
      contactName: contact
        ? (contact.name ?? ([contact.firstName, contact.lastName].filter(Boolean).join(' ') || null))
        : null,
    };
  }

  /**
   * Redeems one use of a code, recorded with who, where and for how much. With `externalRef`, a repeat of the same
   * request (a retried job) returns the first redemption instead of taking another use.
   */
  async redeem(
    actor: Actor,
    input: { code: string; amount?: number | null; location?: string | null },
    opts: { via?: RedemptionRecord['via']; externalRef?: string } = {},
  ) {
    return inTransaction(this.ctx, async (r) => {
      if (opts.externalRef) {
        const earlier = await r.coupons.findRedemptionByRef(opts.externalRef);
        if (earlier) {
          const coupon = await r.coupons.get(earlier.couponId);
          if (coupon) return { coupon, redemption: earlier };
        }
      }
      const code = normalizeCode(input.code);
      const now = this.ctx.clock.now();
      const coupon = code ? await r.coupons.takeUse(code, now) : undefined;
      if (!coupon) {
        // Nothing taken: read the row to say why (after the winner's commit, so a lost race reads "used up").
        const current = await this.findByCode(r, input.code);
        const campaign = await r.coupons.getCampaign(current.campaignId);
        throw refusalError(campaign ? refusal(current, campaign, now) : 'revoked');
      }
      const redemption = await r.coupons.recordRedemption(
        coupon,
        {
          userId: actor.type === 'user' ? actor.id : null,
          actorType: actor.type,
          actorName: actor.name ?? actor.type,
          via: opts.via ?? 'api',
          amount: input.amount ?? null,
          location: input.location ?? null,
          externalRef: opts.externalRef ?? null,
        },
        now,
      );
      await r.audit.record(actor, {
        action: 'coupon.redeemed',
        entityType: 'coupon',
        entityId: coupon.id,
        after: { amount: input.amount ?? null, location: input.location ?? null, via: opts.via ?? 'api' },
      });
      return { coupon, redemption };
    });
  }

  /** Statistics of a period (default: the last 30 days, in the workspace's time zone); `campaignId` narrows them to one campaign. */
  async stats(query: {
    from?: string;
    to?: string;
    timezone?: string;
    campaignId?: string;
  }): Promise<CouponStats> {
    const r = this.ctx.repos;
    const to = query.to ? new Date(query.to) : this.ctx.clock.now();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * 86_400_000);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to <= from)
      throw new ValidationError('The period is invalid', [
        { path: '/to', message: 'must be a date after from' },
      ]);
    if (to.getTime() - from.getTime() > 367 * 86_400_000)
      throw new ValidationError('The period is too long', [
        { path: '/from', message: 'at most 367 days before to' },
      ]);
    const timezone =
      query.timezone ?? ((await r.settings.get('default_timezone')) as string | undefined) ?? 'Europe/Moscow';
    if (!isTimezone(timezone))
      throw new ValidationError('Unknown time zone', [
        { path: '/timezone', message: 'must be an IANA time zone' },
      ]);
    return couponStats(r, {
      from,
      to,
      timezone,
      ...(query.campaignId ? { campaignId: query.campaignId } : {}),
    });
  }

  /** Revokes a coupon that is still active (a mistaken issue, a refund): it can no longer be redeemed. */
  async revoke(actor: Actor, id: string): Promise<Coupon> {
    return inTransaction(this.ctx, async (r) => {
      const revoked = await r.coupons.revoke(id);
      if (!revoked) {
        const current = await r.coupons.get(id);
        if (!current) throw new NotFoundError('Coupon', id);
        throw new CouponError(
          current.status === 'revoked' ? 'coupon_revoked' : 'coupon_used_up',
          `The coupon is already ${current.status}`,
        );
      }
      await r.audit.record(actor, { action: 'coupon.revoked', entityType: 'coupon', entityId: id });
      return revoked;
    });
  }

  private async findByCode(r: Repos, text: string): Promise<Coupon> {
    const code = normalizeCode(text);
    const coupon = code ? await r.coupons.getByCode(code) : undefined;
    if (!coupon) throw new CouponError('coupon_not_found', 'No coupon has this code');
    return coupon;
  }
}

/** Refuses issuing from a campaign that is off or over. A built-in campaign is issued by its rule: enabling the rule is the switch. */
function checkIssuable(campaign: CouponCampaign, source: CouponSource, now: Date): void {
  if (!campaign.enabled && !(campaign.builtinKey !== null && source === 'automation'))
    throw new CouponError('campaign_disabled', `Campaign "${campaign.name}" is disabled`);
  if (campaign.validUntil && campaign.validUntil <= now)
    throw new CouponError(
      'campaign_ended',
      `Campaign "${campaign.name}" ended on ${campaign.validUntil.toISOString()}`,
    );
}

/** Why a coupon cannot be redeemed now, or null. */
export function refusal(coupon: Coupon, campaign: CouponCampaign, now: Date): Validation['reason'] {
  if (coupon.status === 'revoked') return 'revoked';
  if (coupon.status === 'redeemed' || coupon.uses >= campaign.perCouponLimit) return 'used_up';
  if (coupon.validUntil && coupon.validUntil <= now) return 'expired';
  if (coupon.validFrom && coupon.validFrom > now) return 'not_yet_valid';
  return null;
}

function refusalError(reason: Validation['reason']): CouponError {
  switch (reason) {
    case 'expired':
      return new CouponError('coupon_expired', 'This coupon has expired');
    case 'not_yet_valid':
      return new CouponError('coupon_not_yet_valid', 'This coupon is not valid yet');
    case 'revoked':
      return new CouponError('coupon_revoked', 'This coupon was revoked');
    default:
      return new CouponError('coupon_used_up', 'This coupon has already been used');
  }
}

/** The status a client sees: `expired` is computed from the validity, never stored. */
export function couponStatus(c: Coupon, now: Date): Coupon['status'] | 'expired' {
  return c.status === 'active' && c.validUntil && c.validUntil <= now ? 'expired' : c.status;
}

function isTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
