/**
 * This page's texts. New keys start with 'inbox.'; they join the app's catalogs in i18n/en.ts and ru.ts, and the catalog
 * test checks them like the rest.
 */
export const inboxEn = {} as const;

export const inboxRu: Record<keyof typeof inboxEn, string> = {};
