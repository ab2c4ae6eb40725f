import type { InlineButton, OutgoingButtons } from '../channels/channel.ts';
import { escapeHtml } from '../channels/telegram/telegram.html.ts';
import { type PreferencesState, type PreferenceType, typeChosen, typeName } from './preferences.view.ts';
import type { ReplyLanguage } from './reply-language.ts';

/**
 * The Telegram preference menu as text and inline buttons (pure). Button data says what the tap sets, not "toggle": a
 * tap on a stale copy of the menu then still does what its label promised.
 *   pref:t:<0|1>:<type id>  a notification type off / on      pref:m:<0|1>  marketing off / on
 *   pref:r                  subscribe again (after /stop)       pref:o        show the settings menu
 * Type ids, not keys: a key may be 64 characters and Telegram allows 64 bytes of data in all.
 */

/** Callback data prefix of the menu's buttons (registered on the CallbackRouter). */
export const PREFERENCES_PREFIX = 'pref:';

/** What the menu message shows. */
export type MenuView = 'settings' | 'stopped' | 'resubscribed';

/** A parsed tap on one of the menu's buttons. */
export type MenuTap =
  | { kind: 'type'; typeId: string; enabled: boolean }
  | { kind: 'marketing'; enabled: boolean }
  | { kind: 'resubscribe' }
  | { kind: 'open' };

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const TYPE_TAP = new RegExp(`^pref:t:([01]):(${UUID})$`);
const MARKETING_TAP = /^pref:m:([01])$/;

/** The tap a button's data stands for, or null for data we never sent. */
export function parseMenuTap(data: string): MenuTap | null {
  const type = TYPE_TAP.exec(data);
  if (type) return { kind: 'type', typeId: type[2]!, enabled: type[1] === '1' };
  const marketing = MARKETING_TAP.exec(data);
  if (marketing) return { kind: 'marketing', enabled: marketing[1] === '1' };
  if (data === 'pref:r') return { kind: 'resubscribe' };
  if (data === 'pref:o') return { kind: 'open' };
  return null;
}

const TEXTS = {
  ru: {
    settings:
      '<b>Уведомления</b>\nНажмите на кнопку, чтобы включить (🔕) или выключить (✅) уведомления этого вида. ' +
      'Важные уведомления (например, о проблемах с оплатой) приходят всегда.',
    marketing: 'Новости и акции',
    stopped:
      'Вы отписались от новостей и акций. Уведомления о ваших оплатах, занятиях и обращениях продолжат приходить.\n' +
      'Передумали? Нажмите кнопку ниже.',
    resubscribe: '🔔 Подписаться снова',
    resubscribed: 'Вы снова подписаны на новости и акции.',
    open: '⚙️ Настройки уведомлений',
    turnedOn: 'Включено',
    turnedOff: 'Выключено',
    unknown: 'Эта кнопка устарела: откройте настройки заново',
  },
  en: {
    settings:
      '<b>Notifications</b>\nTap a button to turn that kind of notification on (🔕) or off (✅). ' +
      'Important notifications (such as payment problems) always arrive.',
    marketing: 'News and offers',
    stopped:
      'You have unsubscribed from news and offers. Notifications about your payments, lessons and requests will still arrive.\n' +
      'Changed your mind? Tap the button below.',
    resubscribe: '🔔 Subscribe again',
    resubscribed: 'You are subscribed to news and offers again.',
    open: '⚙️ Notification settings',
    turnedOn: 'Turned on',
    turnedOff: 'Turned off',
    unknown: 'This button is out of date: open the settings again',
  },
} as const;

/** The short answers shown after a tap. */
export function tapToast(lang: ReplyLanguage, what: 'turnedOn' | 'turnedOff' | 'unknown'): string {
  return TEXTS[lang][what];
}

/**
 * The types a contact is offered: those the business has on, that are not critical (they cannot be turned off), and,
 * while the contact is unsubscribed from marketing, not marketing ones (the marketing switch governs those).
 */
export function offeredTypes(state: PreferencesState, types: readonly PreferenceType[]): PreferenceType[] {
  return types.filter((t) => t.enabled && !t.critical && (t.category !== 'marketing' || state.subscribed));
}

const mark = (on: boolean) => (on ? '✅' : '🔕');
const MAX_TYPE_BUTTONS = 99;

/** The menu message for a view. */
export function renderMenu(
  view: MenuView,
  lang: ReplyLanguage,
  state: PreferencesState,
  types: readonly PreferenceType[],
): { html: string; buttons: OutgoingButtons } {
  const t = TEXTS[lang];
  if (view === 'stopped')
    return {
      html: escapeHtml(t.stopped),
      buttons: { kind: 'inline', rows: [[{ kind: 'callback', text: t.resubscribe, data: 'pref:r' }]] },
    };
  if (view === 'resubscribed')
    return {
      html: escapeHtml(t.resubscribed),
      buttons: { kind: 'inline', rows: [[{ kind: 'callback', text: t.open, data: 'pref:o' }]] },
    };
  // Telegram shows at most 100 buttons under a message; the marketing switch takes the last one.
  const rows: InlineButton[][] = offeredTypes(state, types)
    .slice(0, MAX_TYPE_BUTTONS)
    .map((type) => {
      const on = typeChosen(state, type);
      return [
        {
          kind: 'callback',
          text: `${mark(on)} ${typeName(type, lang)}`,
          data: `pref:t:${on ? 0 : 1}:${type.id}`,
        },
      ];
    });
  rows.push([
    {
      kind: 'callback',
      text: `${mark(state.subscribed)} ${t.marketing}`,
      data: `pref:m:${state.subscribed ? 0 : 1}`,
    },
  ]);
  // The header is our own markup; nothing from data is inserted into it.
  return { html: t.settings, buttons: { kind: 'inline', rows } };
}
