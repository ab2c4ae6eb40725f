import { DomainError } from '../lib/errors.ts';

/** Why a code cannot be redeemed (or issued), each with its own code and HTTP status, so clients can say exactly what is wrong. */
export type CouponErrorCode =
  | 'coupon_not_found'
  | 'coupon_expired'
  | 'coupon_not_yet_valid'
  | 'coupon_used_up'
  | 'coupon_revoked'
  | 'coupon_limit_reached'
  | 'campaign_disabled'
  | 'campaign_ended';

const STATUS: Record<CouponErrorCode, number> = {
  coupon_not_found: 404,
  coupon_expired: 409,
  coupon_not_yet_valid: 409,
  coupon_used_up: 409,
  coupon_revoked: 409,
  coupon_limit_reached: 409,
  campaign_disabled: 409,
  campaign_ended: 409,
};

/** A coupon refusal; coupon routes answer it with `status` (the shared error handler would answer 400). */
export class CouponError extends DomainError {
  readonly status: number;
  constructor(code: CouponErrorCode, message: string) {
    super(code, message, [{ path: '/code', message }]);
    this.status = STATUS[code];
  }
}
