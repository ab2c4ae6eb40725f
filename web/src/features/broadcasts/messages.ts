/**
 * This page's texts. New keys start with 'broadcasts.'; they join the app's catalogs in i18n/en.ts and ru.ts, and the catalog
 * test checks them like the rest.
 */
export const broadcastsEn = {} as const;

export const broadcastsRu: Record<keyof typeof broadcastsEn, string> = {};
