/**
 * This page's texts. New keys start with 'templates.'; they join the app's catalogs in i18n/en.ts and ru.ts, and the catalog
 * test checks them like the rest.
 */
export const templatesEn = {} as const;

export const templatesRu: Record<keyof typeof templatesEn, string> = {};
