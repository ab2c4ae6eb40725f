import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { createFormatter, type Formatter } from '../lib/format.ts';
import type { Locale } from '../lib/types.ts';
import type { MessageKey } from './en.ts';
import { browserLocale, translate } from './translate.ts';

const LOCALE_KEY = 'switchboard.locale';

/** What components get from useI18n(). */
export interface I18n {
  locale: Locale;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  fmt: Formatter;
  /** Changes the language on this device; the caller saves it to the profile when signed in. */
  setLocale: (locale: Locale) => void;
  setTimeZone: (zone: string | null) => void;
}

const I18nContext = createContext<I18n | null>(null);

/** The language chosen on this device before, else the browser's. */
function initialLocale(): Locale {
  const stored = localStorage.getItem(LOCALE_KEY);
  if (stored === 'ru' || stored === 'en') return stored;
  return browserLocale(navigator.languages ?? [navigator.language]);
}

/** Provides texts and formatting; the language also goes on <html lang> for screen readers and hyphenation. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const [timeZone, setTimeZone] = useState<string | null>(null);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18n>(
    () => ({
      locale,
      t: (key, vars) => translate(locale, key, vars),
      fmt: createFormatter(locale, timeZone),
      setLocale: (next) => {
        localStorage.setItem(LOCALE_KEY, next);
        setLocaleState(next);
      },
      setTimeZone,
    }),
    [locale, timeZone],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** Texts and formatters for the current language. */
export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
