import { type FormEvent, useEffect, useMemo, useState } from 'react';
import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { errorAt, type FieldErrors, fieldErrors, problemText } from '../../../lib/field-errors.ts';
import { useCsatBuiltInTexts, useInboxSettings, useUpdateInboxSettings } from '../api.ts';
import { weekIsValid } from '../business-hours.ts';
import { optionalInt } from '../inbox-settings-form.ts';
import type { CsatTextKey, InboxSettings, LocalizedText } from '../types.ts';
import { BusinessHoursEditor } from './BusinessHoursEditor.tsx';

/** The API's limit on a CSAT text (services/inbox-settings.ts MAX_CSAT_TEXT). */
const MAX_CSAT_TEXT = 1024;

const CSAT_LABEL: Record<CsatTextKey, MessageKey> = {
  question: 'settings.inbox.csatQuestion',
  thanks: 'settings.inbox.csatThanks',
  commentPrompt: 'settings.inbox.csatCommentPrompt',
};

/** How this channel's inbox behaves: auto-assignment, auto-reply and business hours, CSAT, reopening. */
export function InboxSettingsCard({
  channelId,
  channelType,
  writable,
}: {
  channelId: string;
  channelType: string;
  writable: boolean;
}) {
  const { t } = useI18n();
  const stored = useInboxSettings(channelId);
  const builtIn = useCsatBuiltInTexts();
  const update = useUpdateInboxSettings(channelId);
  const [draft, setDraft] = useState<InboxSettings | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);
  const zones = useMemo(() => Intl.supportedValuesOf?.('timeZone') ?? [], []);

  useEffect(() => {
    if (stored.data) setDraft(structuredClone(stored.data));
  }, [stored.data]);

  if (stored.error)
    return (
      <p className="form-error" role="alert">
        {problemText(stored.error, t)}
      </p>
    );
  if (!draft) return <p className="page-message">{t('app.loading')}</p>;

  const set = <K extends keyof InboxSettings>(key: K, patch: Partial<InboxSettings[K]>) =>
    setDraft({ ...draft, [key]: { ...(draft[key] as object), ...patch } });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setSaved(false);
    update.mutate(draft, { onSuccess: () => setSaved(true), onError: (err) => setErrors(fieldErrors(err)) });
  };
  const err = (path: string) =>
    errorAt(errors, path) ? (
      <p className="field-error" role="alert">
        {errorAt(errors, path)}
      </p>
    ) : null;
  const texts = (key: 'message' | 'outOfHoursMessage', value: LocalizedText) => (
    <div className="field-row">
      {(['ru', 'en'] as const).map((lang) => (
        <div key={lang} className="grow">
          <label htmlFor={`reply-${key}-${lang}`}>
            {t(key === 'message' ? 'settings.inbox.replyText' : 'settings.inbox.awayText', {
              language: t(lang === 'ru' ? 'language.ru' : 'language.en'),
            })}
          </label>
          <textarea
            id={`reply-${key}-${lang}`}
            rows={3}
            maxLength={4096}
            value={value[lang]}
            onChange={(e) => set('autoReply', { [key]: { ...value, [lang]: e.target.value } })}
          />
          {err(`autoReply/${key}/${lang}`)}
        </div>
      ))}
    </div>
  );
  const csatTexts = (key: CsatTextKey) => (
    <div className="field-row">
      {(['ru', 'en'] as const).map((lang) => (
        <div key={lang} className="grow">
          <label htmlFor={`csat-${key}-${lang}`}>
            {t(CSAT_LABEL[key], { language: t(lang === 'ru' ? 'language.ru' : 'language.en') })}
          </label>
          <textarea
            id={`csat-${key}-${lang}`}
            rows={2}
            maxLength={MAX_CSAT_TEXT}
            placeholder={builtIn.data?.[key][lang] ?? ''}
            value={draft.csat[key][lang]}
            onChange={(e) => set('csat', { [key]: { ...draft.csat[key], [lang]: e.target.value } })}
          />
          {err(`csat/${key}/${lang}`)}
        </div>
      ))}
    </div>
  );
  const a = draft.autoAssign;

  return (
    <form className="card inbox-settings" onSubmit={submit} aria-labelledby="inbox-settings-title">
      <h2 id="inbox-settings-title">{t('settings.inbox.title')}</h2>
      <fieldset disabled={!writable} className="settings-sections">
        <fieldset className="subfields">
          <legend>{t('settings.inbox.autoAssign')}</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={a.enabled}
              onChange={(e) => set('autoAssign', { enabled: e.target.checked })}
            />
            {t('settings.inbox.autoAssignOn')}
          </label>
          <label htmlFor="assign-order">{t('settings.inbox.order')}</label>
          <select
            id="assign-order"
            value={a.order}
            onChange={(e) => set('autoAssign', { order: e.target.value as typeof a.order })}
          >
            <option value="longest_waiting">{t('settings.inbox.orderWaiting')}</option>
            <option value="earliest_created">{t('settings.inbox.orderCreated')}</option>
          </select>
          <label htmlFor="assign-max">{t('settings.inbox.maxPerAgent')}</label>
          <input
            id="assign-max"
            type="number"
            min={0}
            max={10000}
            className="short-input"
            placeholder={t('settings.inbox.unlimited')}
            value={a.maxPerAgent ?? ''}
            onChange={(e) => set('autoAssign', { maxPerAgent: optionalInt(e.target.value) })}
          />
          {err('autoAssign/maxPerAgent')}
          <label className="check">
            <input
              type="checkbox"
              checked={a.fairLimit !== null}
              onChange={(e) =>
                set('autoAssign', { fairLimit: e.target.checked ? { count: 5, windowMinutes: 60 } : null })
              }
            />
            {t('settings.inbox.fairLimit')}
          </label>
          {a.fairLimit ? (
            <div className="field-row">
              <div>
                <label htmlFor="fair-count">{t('settings.inbox.fairCount')}</label>
                <input
                  id="fair-count"
                  type="number"
                  min={1}
                  className="short-input"
                  value={a.fairLimit.count}
                  onChange={(e) =>
                    set('autoAssign', {
                      fairLimit: { ...a.fairLimit!, count: optionalInt(e.target.value) ?? 0 },
                    })
                  }
                />
              </div>
              <div>
                <label htmlFor="fair-window">{t('settings.inbox.fairWindow')}</label>
                <input
                  id="fair-window"
                  type="number"
                  min={1}
                  className="short-input"
                  value={a.fairLimit.windowMinutes}
                  onChange={(e) =>
                    set('autoAssign', {
                      fairLimit: { ...a.fairLimit!, windowMinutes: optionalInt(e.target.value) ?? 0 },
                    })
                  }
                />
              </div>
            </div>
          ) : null}
          {err('autoAssign/fairLimit')}
        </fieldset>

        <fieldset className="subfields">
          <legend>{t('settings.inbox.autoReply')}</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.autoReply.enabled}
              onChange={(e) => set('autoReply', { enabled: e.target.checked })}
            />
            {t('settings.inbox.autoReplyOn')}
          </label>
          {texts('message', draft.autoReply.message)}
          {texts('outOfHoursMessage', draft.autoReply.outOfHoursMessage)}
        </fieldset>

        <fieldset className="subfields">
          <legend>{t('settings.inbox.businessHours')}</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.businessHours.enabled}
              onChange={(e) => set('businessHours', { enabled: e.target.checked })}
            />
            {t('settings.inbox.businessHoursOn')}
          </label>
          <label htmlFor="hours-zone">{t('settings.inbox.timezone')}</label>
          <input
            id="hours-zone"
            list="hours-zones"
            value={draft.businessHours.timezone}
            onChange={(e) => set('businessHours', { timezone: e.target.value })}
          />
          <datalist id="hours-zones">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          {err('businessHours/timezone')}
          <BusinessHoursEditor
            week={draft.businessHours.week}
            disabled={!writable}
            onChange={(week) => set('businessHours', { week })}
            errorFor={(day) => errorAt(errors, `businessHours/week/${day}`)}
          />
        </fieldset>

        <fieldset className="subfields">
          <legend>{t('settings.inbox.csat')}</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.csat.enabled}
              onChange={(e) => set('csat', { enabled: e.target.checked })}
            />
            {t('settings.inbox.csatOn')}
          </label>
          {channelType === 'email' ? <p className="hint">{t('settings.inbox.csatNoEmail')}</p> : null}
          <label htmlFor="csat-window">{t('settings.inbox.csatWindow')}</label>
          <input
            id="csat-window"
            type="number"
            min={1}
            max={720}
            className="short-input"
            value={draft.csat.windowHours}
            onChange={(e) => set('csat', { windowHours: optionalInt(e.target.value) ?? 0 })}
          />
          {err('csat/windowHours')}
          {channelType === 'email' ? null : (
            <>
              <p className="hint">{t('settings.inbox.csatTexts')}</p>
              {csatTexts('question')}
              {csatTexts('thanks')}
              {csatTexts('commentPrompt')}
            </>
          )}
        </fieldset>

        <fieldset className="subfields">
          <legend>{t('settings.inbox.reopen')}</legend>
          <label htmlFor="reopen-hours">{t('settings.inbox.reopenHours')}</label>
          <input
            id="reopen-hours"
            type="number"
            min={0}
            max={8760}
            className="short-input"
            value={draft.reopenWindowHours}
            onChange={(e) => setDraft({ ...draft, reopenWindowHours: optionalInt(e.target.value) ?? 0 })}
          />
          <p className="hint">{t('settings.inbox.reopenHint')}</p>
          {err('reopenWindowHours')}
        </fieldset>
      </fieldset>
      {errors[''] ? (
        <p className="form-error" role="alert">
          {errors['']}
        </p>
      ) : null}
      {saved ? (
        <p className="form-ok" role="status">
          {t('settings.saved')}
        </p>
      ) : null}
      {writable ? (
        <button
          type="submit"
          className="button-primary"
          disabled={update.isPending || !weekIsValid(draft.businessHours.week)}
        >
          {t('settings.inbox.save')}
        </button>
      ) : null}
    </form>
  );
}
