import { useI18n } from '../../../i18n/i18n.tsx';
import {
  addButton,
  BUTTON_LIMITS,
  type ButtonDraft,
  removeButton,
  SIDE_BY_SIDE,
  updateButton,
} from '../template-draft.ts';
import { FieldProblems } from './FieldProblems.tsx';

/** Inline keyboard rows under the message: URL buttons open a link, callback buttons send data back to the bot. */
export function ButtonsEditor(props: {
  rows: ButtonDraft[][];
  onChange: (rows: ButtonDraft[][]) => void;
  problems: Record<string, string[]>;
  disabled: boolean;
}) {
  const { t } = useI18n();
  const { rows, onChange, problems, disabled } = props;
  return (
    <fieldset className="card buttons-editor" disabled={disabled}>
      <legend>{t('templates.buttons.title')}</legend>
      <p className="hint">{t('templates.buttons.hint')}</p>
      <FieldProblems messages={problems.buttons} />
      {rows.map((row, r) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions; every input is controlled
        <div key={r} className="button-row" data-testid="button-row">
          {row.map((b, i) => {
            const at = `buttons.${r}.${i}`;
            const own = [
              ...(problems[at] ?? []),
              ...(problems[`${at}.text`] ?? []),
              ...(problems[`${at}.url`] ?? []),
              ...(problems[`${at}.data`] ?? []),
            ];
            return (
              <div
                // biome-ignore lint/suspicious/noArrayIndexKey: buttons are positions in their row
                key={i}
                className={`button-draft${own.length ? ' has-problem' : ''}`}
                data-testid="button-draft"
              >
                <select
                  aria-label={t('templates.buttons.kind')}
                  value={b.kind}
                  onChange={(e) => onChange(updateButton(rows, r, i, { kind: e.target.value as 'url' }))}
                >
                  <option value="url">{t('templates.buttons.url')}</option>
                  <option value="callback">{t('templates.buttons.callback')}</option>
                </select>
                <input
                  aria-label={t('templates.buttons.text')}
                  placeholder={t('templates.buttons.text')}
                  value={b.text}
                  maxLength={200}
                  onChange={(e) => onChange(updateButton(rows, r, i, { text: e.target.value }))}
                />
                <input
                  aria-label={t(b.kind === 'url' ? 'templates.buttons.link' : 'templates.buttons.data')}
                  placeholder={t(b.kind === 'url' ? 'templates.buttons.link' : 'templates.buttons.data')}
                  value={b.target}
                  maxLength={b.kind === 'url' ? 2000 : 500}
                  onChange={(e) => onChange(updateButton(rows, r, i, { target: e.target.value }))}
                />
                <button
                  type="button"
                  className="button-quiet danger"
                  onClick={() => onChange(removeButton(rows, r, i))}
                >
                  {t('templates.buttons.remove')}
                </button>
                <div className="button-texts">
                  {SIDE_BY_SIDE.map((lang) => (
                    <input
                      key={lang}
                      aria-label={t('templates.buttons.textIn', { language: lang })}
                      placeholder={t('templates.buttons.textIn', { language: lang })}
                      value={b.textVariants?.[lang] ?? ''}
                      maxLength={200}
                      onChange={(e) =>
                        onChange(
                          updateButton(rows, r, i, {
                            textVariants: { ...b.textVariants, [lang]: e.target.value },
                          }),
                        )
                      }
                    />
                  ))}
                </div>
                <FieldProblems
                  messages={[
                    ...own,
                    ...SIDE_BY_SIDE.flatMap((l) => problems[`${at}.textVariants.${l}`] ?? []),
                  ]}
                />
              </div>
            );
          })}
          {row.length < BUTTON_LIMITS.perRow ? (
            <button
              type="button"
              className="button-quiet"
              onClick={() => onChange(addButton(rows, r, 'url'))}
            >
              {t('templates.buttons.addToRow')}
            </button>
          ) : null}
        </div>
      ))}
      {rows.length < BUTTON_LIMITS.rows ? (
        <div className="button-add">
          <button type="button" onClick={() => onChange(addButton(rows, null, 'url'))}>
            {t('templates.buttons.addUrl')}
          </button>
          <button type="button" onClick={() => onChange(addButton(rows, null, 'callback'))}>
            {t('templates.buttons.addCallback')}
          </button>
        </div>
      ) : null}
    </fieldset>
  );
}
