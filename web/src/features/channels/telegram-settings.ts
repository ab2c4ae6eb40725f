/** The Telegram bot's own settings as the form holds them (docs/api.md "Channel settings"). */
export interface TelegramSettingsForm {
  rateLimitPerSecond: string;
  paidBroadcasts: boolean;
  settingsCommand: string;
  stopCommand: string;
}

export const FREE_RATE_LIMIT = 30;
export const PAID_RATE_LIMIT = 1000;
/** The commands customers send when the bot has none of its own set (they are not words to translate). */
export const DEFAULT_COMMANDS = { settings: 'settings', stop: 'stop' } as const;

export function telegramFormFromSettings(settings: Record<string, unknown>): TelegramSettingsForm {
  return {
    rateLimitPerSecond:
      typeof settings.rateLimitPerSecond === 'number' ? String(settings.rateLimitPerSecond) : '',
    paidBroadcasts: settings.paidBroadcasts === true,
    settingsCommand: typeof settings.settingsCommand === 'string' ? settings.settingsCommand : '',
    stopCommand: typeof settings.stopCommand === 'string' ? settings.stopCommand : '',
  };
}

const FORM_KEYS = ['rateLimitPerSecond', 'paidBroadcasts', 'settingsCommand', 'stopCommand'];

/**
 * The whole settings object for PATCH (it replaces what is stored): keys this form does not show are kept from `stored`
 * (other pages add their own), empty fields are left out so their defaults apply, numbers go as numbers and anything
 * else as typed, for the API to name the field and say why.
 */
export function telegramSettingsFromForm(
  form: TelegramSettingsForm,
  stored: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = Object.fromEntries(
    Object.entries(stored).filter(([k]) => !FORM_KEYS.includes(k)),
  );
  const rate = form.rateLimitPerSecond.trim();
  if (rate) out.rateLimitPerSecond = /^-?\d+(\.\d+)?$/.test(rate) ? Number(rate) : rate;
  if (form.paidBroadcasts) out.paidBroadcasts = true;
  const settings = form.settingsCommand.trim().replace(/^\//, '');
  if (settings) out.settingsCommand = settings;
  const stop = form.stopCommand.trim().replace(/^\//, '');
  if (stop) out.stopCommand = stop;
  return out;
}
