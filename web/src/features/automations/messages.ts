/**
 * This page's texts. New keys start with 'automations.'; they join the app's catalogs in i18n/en.ts and ru.ts, and the catalog
 * test checks them like the rest.
 */
export const automationsEn = {} as const;

export const automationsRu: Record<keyof typeof automationsEn, string> = {};
