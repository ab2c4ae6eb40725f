/**
 * This page's texts. New keys start with 'coupons.'; they join the app's catalogs in i18n/en.ts and ru.ts, and the catalog
 * test checks them like the rest.
 */
export const couponsEn = {} as const;

export const couponsRu: Record<keyof typeof couponsEn, string> = {};
