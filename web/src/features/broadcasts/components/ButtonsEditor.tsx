import { useI18n } from '../../../i18n/i18n.tsx';
import type { DraftButton } from '../create-logic.ts';

/** The start of a link, as a hint of what goes in. */
const URL_EXAMPLE = 'https://';

/** Buttons under the message: link (URL) or callback, each under the previous one or beside it. */
export function ButtonsEditor({
  buttons,
  onChange,
}: {
  buttons: DraftButton[];
  onChange: (buttons: DraftButton[]) => void;
}) {
  const { t } = useI18n();
  const set = (i: number, patch: Partial<DraftButton>) =>
    onChange(buttons.map((b, j) => (j === i ? { ...b, ...patch } : b)));
  const add = (kind: DraftButton['kind']) =>
    onChange([...buttons, { kind, text: '', value: '', sameRow: false }]);
  return (
    <div className="bc-buttons">
      <h3>{t('broadcasts.buttons.title')}</h3>
      {buttons.length === 0 ? <p className="hint">{t('broadcasts.buttons.none')}</p> : null}
      <ol>
        {buttons.map((b, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: buttons are edited in place by position
          <li key={i} className="bc-button-row" data-testid="button-editor">
            <span className="hint">
              {b.kind === 'url' ? t('broadcasts.buttons.url') : t('broadcasts.buttons.callback')}
            </span>
            <label className="compact-field">
              {t('broadcasts.buttons.text')}
              <input value={b.text} maxLength={64} onChange={(e) => set(i, { text: e.target.value })} />
            </label>
            <label className="compact-field">
              {b.kind === 'url' ? t('broadcasts.buttons.link') : t('broadcasts.buttons.data')}
              <input
                value={b.value}
                type={b.kind === 'url' ? 'url' : 'text'}
                maxLength={b.kind === 'url' ? 2000 : 64}
                placeholder={b.kind === 'url' ? URL_EXAMPLE : ''}
                onChange={(e) => set(i, { value: e.target.value })}
              />
            </label>
            {i > 0 ? (
              <label className="compact-field">
                <input
                  type="checkbox"
                  checked={b.sameRow}
                  onChange={(e) => set(i, { sameRow: e.target.checked })}
                />
                {t('broadcasts.buttons.sameRow')}
              </label>
            ) : null}
            <button
              type="button"
              className="button-quiet"
              onClick={() => onChange(buttons.filter((_, j) => j !== i))}
            >
              {t('broadcasts.buttons.remove')}
            </button>
          </li>
        ))}
      </ol>
      <div className="bc-actions">
        <button type="button" onClick={() => add('url')}>
          {t('broadcasts.buttons.addUrl')}
        </button>
        <button type="button" onClick={() => add('callback')}>
          {t('broadcasts.buttons.addCallback')}
        </button>
      </div>
    </div>
  );
}
