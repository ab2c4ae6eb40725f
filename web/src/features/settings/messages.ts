/**
 * This page's texts. New keys start with 'settings.'; they join the app's catalogs in i18n/en.ts and ru.ts, and the catalog
 * test checks them like the rest.
 */
export const settingsEn = {} as const;

export const settingsRu: Record<keyof typeof settingsEn, string> = {};
