import { type FormEvent, useEffect, useMemo, useState } from 'react';
import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { useMe } from '../../../lib/me.ts';
import type { Availability, Locale } from '../../../lib/types.ts';
import { useMyPresence, useSetAvailability, useUpdateProfile } from '../api.ts';
import { StaffLinkSection } from './StaffLinkSection.tsx';

const AVAILABILITY: { value: Availability; label: MessageKey }[] = [
  { value: 'online', label: 'availability.online' },
  { value: 'busy', label: 'availability.busy' },
  { value: 'offline', label: 'availability.offline' },
];

/** Name, language, time zone, password and availability of the signed-in user. */
export function ProfilePage() {
  const { t, setLocale } = useI18n();
  const me = useMe();
  const update = useUpdateProfile();
  const presence = useMyPresence(me.data?.id);
  const setAvailability = useSetAvailability();
  const [name, setName] = useState('');
  const [language, setLanguage] = useState<Locale>('ru');
  const [zone, setZone] = useState('');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const zones = useMemo(() => Intl.supportedValuesOf?.('timeZone') ?? [], []);

  useEffect(() => {
    if (!me.data) return;
    setName(me.data.displayName);
    setLanguage(me.data.locale ?? 'ru');
    setZone(me.data.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
  }, [me.data]);

  const fail = (err: unknown) =>
    setNotice({
      ok: false,
      text: err instanceof ApiError ? (err.details[0]?.message ?? err.message) : t('error.network'),
    });

  const saveProfile = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      { displayName: name.trim(), locale: language, timezone: zone.trim() },
      {
        onSuccess: () => {
          setLocale(language);
          setNotice({ ok: true, text: t('profile.saved') });
        },
        onError: fail,
      },
    );
  };
  const changePassword = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      { password: next, currentPassword: current },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          setNotice({ ok: true, text: t('profile.passwordChanged') });
        },
        onError: fail,
      },
    );
  };

  if (me.isPending) return <p className="page-message">{t('app.loading')}</p>;
  return (
    <div className="page narrow">
      <h1>{t('profile.title')}</h1>
      {notice ? (
        <p className={notice.ok ? 'form-ok' : 'form-error'} role={notice.ok ? 'status' : 'alert'}>
          {notice.text}
        </p>
      ) : null}
      <form onSubmit={saveProfile} className="card">
        <label htmlFor="profile-name">{t('profile.displayName')}</label>
        <input
          id="profile-name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor="profile-language">{t('profile.language')}</label>
        <select
          id="profile-language"
          value={language}
          onChange={(e) => setLanguage(e.target.value as Locale)}
        >
          <option value="ru">{t('language.ru')}</option>
          <option value="en">{t('language.en')}</option>
        </select>
        <label htmlFor="profile-timezone">{t('profile.timezone')}</label>
        <input
          id="profile-timezone"
          list="profile-timezones"
          value={zone}
          aria-describedby="profile-timezone-hint"
          onChange={(e) => setZone(e.target.value)}
        />
        <datalist id="profile-timezones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <p id="profile-timezone-hint" className="hint">
          {t('profile.timezoneHint')}
        </p>
        <button type="submit" className="button-primary" disabled={update.isPending}>
          {t('profile.save')}
        </button>
      </form>

      <fieldset className="card">
        <legend>{t('profile.availability')}</legend>
        <p className="hint">{t('profile.availabilityHint')}</p>
        <div className="segmented">
          {AVAILABILITY.map((a) => (
            <label key={a.value}>
              <input
                type="radio"
                name="availability"
                value={a.value}
                checked={presence.data?.manualAvailability === a.value}
                onChange={() => setAvailability.mutate(a.value, { onError: fail })}
              />
              {t(a.label)}
            </label>
          ))}
        </div>
      </fieldset>

      <StaffLinkSection />
      <form onSubmit={changePassword} className="card">
        <h2>{t('profile.passwordTitle')}</h2>
        <label htmlFor="profile-current">{t('profile.currentPassword')}</label>
        <input
          id="profile-current"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <label htmlFor="profile-new">{t('profile.newPassword')}</label>
        <input
          id="profile-new"
          type="password"
          autoComplete="new-password"
          minLength={8}
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        <button type="submit" className="button-primary" disabled={update.isPending}>
          {t('profile.changePassword')}
        </button>
      </form>
    </div>
  );
}
