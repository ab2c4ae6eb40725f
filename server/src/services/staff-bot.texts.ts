/** What the staff bot says, in Russian and English. Values inserted into these are escaped by the caller. */
export type StaffLang = 'ru' | 'en';

/** Russian for people whose Telegram speaks a language close to it, English for everyone else. */
export function staffLang(code: string | null | undefined): StaffLang {
  const primary = code?.toLowerCase().split(/[-_]/)[0];
  return primary === 'ru' || primary === 'uk' || primary === 'be' || primary === 'kk' ? 'ru' : 'en';
}

export const STAFF_TEXTS = {
  ru: {
    refusal:
      'Здравствуйте! Это служебный бот команды, он работает только для сотрудников. Если вы сотрудник, откройте свой профиль в Switchboard и привяжите Telegram.',
    linked: (name: string) => `Готово: этот Telegram привязан к пользователю <b>${name}</b>.`,
    linkInvalid:
      'Код не подошёл: он неверный, уже использован или истёк (действует 10 минут). Получите новый в профиле.',
    help: (canRedeem: boolean, canLogin: boolean) =>
      [
        'Что я умею:',
        '• пришлите код купона (например, ABCD-EF23) или фото его QR-кода: покажу, действует ли он' +
          (canRedeem ? ', и дам его погасить' : ''),
        ...(canLogin ? ['• /login: одноразовая ссылка для входа в веб-приложение'] : []),
        '• сюда приходят уведомления для команды',
      ].join('\n'),
    noQr: 'Не нашёл QR-код на фото. Попробуйте снять ближе и ровнее или пришлите код текстом.',
    notFound: (code: string) => `Купона с кодом <code>${code}</code> нет.`,
    noAccess: 'Вашей роли это недоступно.',
    loginLink: 'Ссылка для входа (одноразовая, действует 15 минут):',
    open: 'Открыть Switchboard',
    coupon: 'Купон',
    campaign: 'Кампания',
    discount: 'Скидка',
    customer: 'Клиент',
    until: 'Действует до',
    uses: 'Использований',
    valid: '✅ Действует',
    reasons: {
      expired: '⛔ Срок действия истёк',
      not_yet_valid: '⏳ Ещё не действует',
      used_up: '⛔ Уже использован',
      revoked: '⛔ Отозван',
    },
    validate: '🔄 Проверить',
    redeem: '✅ Погасить',
    redeemed: (by: string, at: string) => `✅ Погашен: ${by}, ${at}`,
    refused: '⛔ Не погашен',
  },
  en: {
    refusal:
      "Hello! This is the team's internal bot and it only works for staff. If you are on the team, open your profile in Switchboard and link your Telegram.",
    linked: (name: string) => `Done: this Telegram account is now linked to <b>${name}</b>.`,
    linkInvalid:
      'That code did not work: it is wrong, used or expired (codes last 10 minutes). Get a new one in your profile.',
    help: (canRedeem: boolean, canLogin: boolean) =>
      [
        'What I can do:',
        '• send a coupon code (like ABCD-EF23) or a photo of its QR code: I will say whether it is valid' +
          (canRedeem ? ' and let you redeem it' : ''),
        ...(canLogin ? ['• /login: a one-time link that signs you in to the web app'] : []),
        '• team alerts arrive here',
      ].join('\n'),
    noQr: 'I could not find a QR code in the photo. Try a closer, straighter shot, or send the code as text.',
    notFound: (code: string) => `There is no coupon with the code <code>${code}</code>.`,
    noAccess: 'Your role does not allow this.',
    loginLink: 'Your sign-in link (works once, for 15 minutes):',
    open: 'Open Switchboard',
    coupon: 'Coupon',
    campaign: 'Campaign',
    discount: 'Discount',
    customer: 'Customer',
    until: 'Valid until',
    uses: 'Uses',
    valid: '✅ Valid',
    reasons: {
      expired: '⛔ Expired',
      not_yet_valid: '⏳ Not valid yet',
      used_up: '⛔ Already used',
      revoked: '⛔ Revoked',
    },
    validate: '🔄 Validate',
    redeem: '✅ Redeem',
    redeemed: (by: string, at: string) => `✅ Redeemed by ${by}, ${at}`,
    refused: '⛔ Not redeemed',
  },
} as const;
