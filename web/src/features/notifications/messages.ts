/**
 * This page's texts. New keys start with 'notifications.'; they join the app's catalogs in i18n/en.ts and ru.ts, and the catalog
 * test checks them like the rest.
 */
export const notificationsEn = {} as const;

export const notificationsRu: Record<keyof typeof notificationsEn, string> = {};
