import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { fieldErrors, problemText } from '../../../lib/field-errors.ts';
import { usePermissions } from '../../../lib/me.ts';
import { useSetSetting, useSettings } from '../api.ts';
import { type WorkspaceForm, workspaceChanges, workspaceFormFromSettings } from '../workspace-form.ts';
import { FieldMessage } from './CopyField.tsx';

/** Workspace-wide settings: every key GET /api/v1/settings has; keys without a typed field are edited as JSON. */
export function WorkspacePage() {
  const { t } = useI18n();
  const can = usePermissions();
  const settings = useSettings();
  const save = useSetSetting();
  const [form, setForm] = useState<WorkspaceForm | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const zones = useMemo(() => Intl.supportedValuesOf?.('timeZone') ?? [], []);
  const writable = can('settings:write');

  useEffect(() => {
    if (settings.data) setForm(workspaceFormFromSettings(settings.data));
  }, [settings.data]);

  if (settings.error)
    return (
      <p className="form-error" role="alert">
        {problemText(settings.error, t)}
      </p>
    );
  if (!form || !settings.data) return <p className="page-message">{t('app.loading')}</p>;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const { changes, invalid } = workspaceChanges(settings.data!, form);
    const problems: Record<string, string> = Object.fromEntries(
      invalid.map((k) => [k, t('settings.workspace.notJson')]),
    );
    if (invalid.length === 0) {
      // One PATCH per key, as the API takes them; every key is tried, so each bad one is shown at once.
      for (const change of changes) {
        try {
          await save.mutateAsync(change);
        } catch (err) {
          problems[change.key] = fieldErrors(err).value ?? problemText(err, t);
        }
      }
    }
    setErrors(problems);
    setSaved(Object.keys(problems).length === 0);
  };
  const set = (patch: Partial<WorkspaceForm>) => setForm({ ...form, ...patch });

  return (
    <form className="page narrow" onSubmit={submit}>
      <h1>{t('settings.workspace.title')}</h1>
      <fieldset disabled={!writable}>
        <label htmlFor="ws-name">{t('settings.workspace.name')}</label>
        <input
          id="ws-name"
          required
          maxLength={100}
          value={form.workspace_name}
          onChange={(e) => set({ workspace_name: e.target.value })}
        />
        <FieldMessage id="ws-name-error" message={errors.workspace_name} />
        <label htmlFor="ws-language">{t('settings.workspace.language')}</label>
        <select
          id="ws-language"
          value={form.default_language}
          onChange={(e) => set({ default_language: e.target.value as 'ru' | 'en' })}
        >
          <option value="ru">{t('language.ru')}</option>
          <option value="en">{t('language.en')}</option>
        </select>
        <p className="hint">{t('settings.workspace.languageHint')}</p>
        <FieldMessage id="ws-language-error" message={errors.default_language} />
        <label htmlFor="ws-timezone">{t('settings.workspace.timezone')}</label>
        <input
          id="ws-timezone"
          list="ws-zones"
          required
          value={form.default_timezone}
          onChange={(e) => set({ default_timezone: e.target.value })}
        />
        <datalist id="ws-zones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <p className="hint">{t('settings.workspace.timezoneHint')}</p>
        <FieldMessage id="ws-timezone-error" message={errors.default_timezone} />

        <fieldset className="card">
          <legend>{t('settings.workspace.quietHours')}</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={form.quietHoursOn}
              onChange={(e) => set({ quietHoursOn: e.target.checked })}
            />
            {t('settings.workspace.quietHoursOn')}
          </label>
          <div className="field-row">
            <div>
              <label htmlFor="ws-quiet-from">{t('settings.from')}</label>
              <input
                id="ws-quiet-from"
                type="time"
                disabled={!form.quietHoursOn}
                value={form.quietFrom}
                onChange={(e) => set({ quietFrom: e.target.value })}
              />
            </div>
            <div>
              <label htmlFor="ws-quiet-to">{t('settings.to')}</label>
              <input
                id="ws-quiet-to"
                type="time"
                disabled={!form.quietHoursOn}
                value={form.quietTo}
                onChange={(e) => set({ quietTo: e.target.value })}
              />
            </div>
          </div>
          <p className="hint">{t('settings.workspace.quietHoursHint')}</p>
          <FieldMessage id="ws-quiet-error" message={errors.notification_quiet_hours} />
        </fieldset>

        <label className="check">
          <input
            type="checkbox"
            checked={form.events_create_unknown_contacts}
            onChange={(e) => set({ events_create_unknown_contacts: e.target.checked })}
          />
          {t('settings.workspace.eventsCreate')}
        </label>
        <FieldMessage id="ws-events-error" message={errors.events_create_unknown_contacts} />

        {Object.keys(form.other).length > 0 ? (
          <fieldset className="card">
            <legend>{t('settings.workspace.other')}</legend>
            {Object.entries(form.other).map(([key, text]) => (
              <div key={key}>
                <label htmlFor={`ws-${key}`}>
                  <code>{key}</code>
                </label>
                <textarea
                  id={`ws-${key}`}
                  rows={2}
                  spellCheck={false}
                  value={text}
                  onChange={(e) => set({ other: { ...form.other, [key]: e.target.value } })}
                />
                <FieldMessage id={`ws-${key}-error`} message={errors[key]} />
              </div>
            ))}
          </fieldset>
        ) : null}
        <p className="hint">{t('settings.workspace.reopenHint')}</p>
        {saved ? (
          <p className="form-ok" role="status">
            {t('settings.saved')}
          </p>
        ) : null}
        {writable ? (
          <button type="submit" className="button-primary" disabled={save.isPending}>
            {t('settings.save')}
          </button>
        ) : null}
      </fieldset>
    </form>
  );
}
