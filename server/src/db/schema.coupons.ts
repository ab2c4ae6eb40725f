import type { ColumnType, Generated, Selectable } from 'kysely';

/** The tables of coupons and the staff bot (migration 0023); joined into `Database` in schema.ts. */
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** numeric columns arrive from pg as strings (exact decimals); written as numbers or strings. */
type Numeric = ColumnType<string | null, number | string | null | undefined, number | string | null>;

export type CouponSource = 'manual' | 'api' | 'automation' | 'segment';
export type CouponStatus = 'active' | 'redeemed' | 'revoked';
export type CouponDeliveryStatus = 'none' | 'pending' | 'sending' | 'sent' | 'failed';
/** Kinds of staff alert; each can be muted per person. */
export type StaffAlertKind = 'waiting' | 'broadcast_paused' | 'channel_error' | 'daily_report' | 'automation';

export interface CouponCampaignsTable {
  id: Generated<string>;
  name: string;
  builtinKey: string | null;
  discountPercent: Numeric;
  discountAmount: Numeric;
  currency: string | null;
  validFrom: NullableTimestamp;
  validUntil: NullableTimestamp;
  validDays: number | null;
  perCouponLimit: Generated<number>;
  perContactLimit: number | null;
  terms: string | null;
  enabled: Generated<boolean>;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

export interface CouponsTable {
  id: Generated<string>;
  campaignId: string;
  contactId: string;
  code: Generated<string>;
  source: CouponSource;
  sourceRef: string | null;
  status: Generated<CouponStatus>;
  uses: Generated<number>;
  validFrom: NullableTimestamp;
  validUntil: NullableTimestamp;
  issuedBy: string | null;
  deliveryStatus: Generated<CouponDeliveryStatus>;
  deliveryChannel: string | null;
  deliveryError: string | null;
  deliveredAt: NullableTimestamp;
  createdAt: CreatedAt;
}

export interface CouponRedemptionsTable {
  id: Generated<string>;
  couponId: string;
  campaignId: string;
  userId: string | null;
  actorType: string;
  actorName: string;
  via: 'api' | 'staff_bot';
  amount: Numeric;
  location: string | null;
  externalRef: string | null;
  redeemedAt: CreatedAt;
}

export interface StaffTelegramLinksTable {
  userId: string;
  telegramUserId: string;
  channelId: string | null;
  telegramUsername: string | null;
  language: string | null;
  mutedKinds: ColumnType<StaffAlertKind[], StaffAlertKind[] | undefined, StaffAlertKind[]>;
  linkedAt: CreatedAt;
}

export interface StaffLinkCodesTable {
  codeHash: Buffer;
  userId: string;
  expiresAt: ColumnType<Date, Date | string, Date | string>;
  usedAt: NullableTimestamp;
  createdAt: CreatedAt;
}

export interface StaffAlertsSentTable {
  key: string;
  sentAt: CreatedAt;
}

export interface CouponsTables {
  couponCampaigns: CouponCampaignsTable;
  coupons: CouponsTable;
  couponRedemptions: CouponRedemptionsTable;
  staffTelegramLinks: StaffTelegramLinksTable;
  staffLinkCodes: StaffLinkCodesTable;
  staffAlertsSent: StaffAlertsSentTable;
}

export type CouponCampaign = Selectable<CouponCampaignsTable>;
export type Coupon = Selectable<CouponsTable>;
export type CouponRedemption = Selectable<CouponRedemptionsTable>;
export type StaffLink = Selectable<StaffTelegramLinksTable>;
