import { useI18n } from '../i18n/i18n.tsx';
import type { Locale } from './types.ts';

/** The language switch; `onChosen` lets a signed-in page save the choice to the profile. */
export function LanguageSelect({ onChosen }: { onChosen?: (locale: Locale) => void }) {
  const { t, locale, setLocale } = useI18n();
  return (
    <label className="compact-field">
      <span className="visually-hidden">{t('language.label')}</span>
      <select
        value={locale}
        data-testid="language-switch"
        onChange={(e) => {
          const next = e.target.value as Locale;
          setLocale(next);
          onChosen?.(next);
        }}
      >
        <option value="ru">{t('language.ru')}</option>
        <option value="en">{t('language.en')}</option>
      </select>
    </label>
  );
}
