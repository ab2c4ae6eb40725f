/**
 * This page's texts. New keys start with 'reports.'; they join the app's catalogs in i18n/en.ts and ru.ts, and the catalog
 * test checks them like the rest.
 */
export const reportsEn = {} as const;

export const reportsRu: Record<keyof typeof reportsEn, string> = {};
