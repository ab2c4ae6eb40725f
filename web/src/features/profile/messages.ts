/**
 * This page's texts. New keys start with 'profile.'; they join the app's catalogs in i18n/en.ts and ru.ts, and the catalog
 * test checks them like the rest.
 */
export const profileEn = {} as const;

export const profileRu: Record<keyof typeof profileEn, string> = {};
