/**
 * This page's texts. New keys start with 'profile.'; they join the app's catalogs in i18n/en.ts and ru.ts, and the catalog
 * test checks them like the rest.
 */
export const profileEn = {
  'profile.staffTitle': 'Staff bot',
  'profile.staffIntro':
    'Link your Telegram account to use the staff bot: check and redeem coupons, get alerts, sign in to this app from Telegram.',
  'profile.staffGetCode': 'Get a link code',
  'profile.staffNewCode': 'Get a new code',
  'profile.staffSend': 'Send this message to the staff bot in Telegram:',
  'profile.staffExpires': 'The code works once, until {at}.',
  'profile.staffBots': 'Staff bots:',
  'profile.staffNoBot':
    'No staff bot yet: an admin marks a Telegram bot as the staff bot in Settings → Channels.',
  'profile.staffLinked': 'Linked to {who} since {at}.',
  'profile.staffSomeone': 'a Telegram account',
  'profile.staffUnlink': 'Unlink Telegram',
  'profile.staffAlerts': 'Alerts I receive in the staff bot',
  'profile.staffAlert.waiting': 'customers waiting',
  'profile.staffAlert.broadcastPaused': 'broadcast paused',
  'profile.staffAlert.channelError': 'channel errors',
  'profile.staffAlert.dailyReport': 'daily report',
  'profile.staffAlert.automation': 'automation messages',
} as const;

export const profileRu: Record<keyof typeof profileEn, string> = {
  'profile.staffTitle': 'Бот для сотрудников',
  'profile.staffIntro':
    'Привяжите свой Telegram, чтобы пользоваться ботом для сотрудников: проверять и гасить купоны, получать оповещения, входить в приложение из Telegram.',
  'profile.staffGetCode': 'Получить код привязки',
  'profile.staffNewCode': 'Получить новый код',
  'profile.staffSend': 'Отправьте это сообщение боту для сотрудников в Telegram:',
  'profile.staffExpires': 'Код одноразовый и действует до {at}.',
  'profile.staffBots': 'Боты для сотрудников:',
  'profile.staffNoBot':
    'Бота для сотрудников пока нет: администратор отмечает Telegram-бота как бота для сотрудников в разделе Настройки → Каналы.',
  'profile.staffLinked': 'Привязан к {who} с {at}.',
  'profile.staffSomeone': 'аккаунту Telegram',
  'profile.staffUnlink': 'Отвязать Telegram',
  'profile.staffAlerts': 'Оповещения, которые я получаю в боте',
  'profile.staffAlert.waiting': 'клиенты ждут ответа',
  'profile.staffAlert.broadcastPaused': 'рассылка приостановлена',
  'profile.staffAlert.channelError': 'ошибки каналов',
  'profile.staffAlert.dailyReport': 'ежедневный отчёт',
  'profile.staffAlert.automation': 'сообщения автоматизаций',
};
