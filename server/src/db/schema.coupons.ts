/** The tables of coupons (migrations 00xx); joined into `Database` in schema.ts. */
export type CouponsTables = Record<never, never>;
