/**
 * This page's texts. New keys start with 'system.'; they join the app's catalogs in i18n/en.ts and ru.ts, and the catalog
 * test checks them like the rest.
 */
export const systemEn = {} as const;

export const systemRu: Record<keyof typeof systemEn, string> = {};
