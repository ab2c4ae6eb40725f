/**
 * This page's texts. New keys start with 'segments.'; they join the app's catalogs in i18n/en.ts and ru.ts, and the catalog
 * test checks them like the rest.
 */
export const segmentsEn = {} as const;

export const segmentsRu: Record<keyof typeof segmentsEn, string> = {};
