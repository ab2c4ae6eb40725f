/**
 * This page's texts. New keys start with 'contacts.'; they join the app's catalogs in i18n/en.ts and ru.ts, and the catalog
 * test checks them like the rest.
 */
export const contactsEn = {} as const;

export const contactsRu: Record<keyof typeof contactsEn, string> = {};
