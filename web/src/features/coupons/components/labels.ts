import type { MessageKey } from '../../../i18n/en.ts';

/** Message keys for values the API sends as codes. */
export const SOURCE_LABEL: Record<string, MessageKey> = {
  manual: 'coupons.source.manual',
  api: 'coupons.source.api',
  automation: 'coupons.source.automation',
  segment: 'coupons.source.segment',
};

export const STATUS_LABEL: Record<string, MessageKey> = {
  active: 'coupons.status.active',
  redeemed: 'coupons.status.redeemed',
  expired: 'coupons.status.expired',
  revoked: 'coupons.status.revoked',
};

/** Why a code cannot be used: validate's `reason` and redeem's error `code` (with or without the `coupon_` prefix). */
export const REFUSAL_LABEL: Record<string, MessageKey> = {
  not_found: 'coupons.refusal.notFound',
  expired: 'coupons.refusal.expired',
  not_yet_valid: 'coupons.refusal.notYetValid',
  used_up: 'coupons.refusal.usedUp',
  revoked: 'coupons.refusal.revoked',
};

export function refusalKey(code: string | null | undefined): MessageKey | null {
  if (!code) return null;
  return REFUSAL_LABEL[code.replace(/^coupon_/, '')] ?? null;
}

export const DELIVERY_LABEL: Record<string, MessageKey> = {
  none: 'coupons.delivery.none',
  pending: 'coupons.delivery.pending',
  sending: 'coupons.delivery.sending',
  sent: 'coupons.delivery.sent',
  failed: 'coupons.delivery.failed',
};
