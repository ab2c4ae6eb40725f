import { type FormEvent, useEffect, useState } from 'react';
import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { fieldErrors, problemText } from '../../../lib/field-errors.ts';
import { usePermissions } from '../../../lib/me.ts';
import { useSetSetting, useSettings } from '../api.ts';
import { addCategory, type CategoryProblem, moveCategory } from '../categories.ts';

const PROBLEM: Record<CategoryProblem, MessageKey> = {
  invalid: 'settings.categories.invalid',
  duplicate: 'settings.categories.duplicate',
  tooMany: 'settings.categories.tooMany',
};

/** The conversation categories (setting `conversation_categories`): add, order, remove, then save the list at once. */
export function CategoriesPage() {
  const { t } = useI18n();
  const can = usePermissions();
  const settings = useSettings();
  const save = useSetSetting();
  const stored = settings.data?.conversation_categories;
  const [list, setList] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState('');
  const [saved, setSaved] = useState(false);
  const writable = can('settings:write');

  useEffect(() => {
    if (Array.isArray(stored)) setList(stored.map(String));
  }, [stored]);

  const add = (e: FormEvent) => {
    e.preventDefault();
    const result = addCategory(list, name);
    if ('problem' in result) return setProblem(t(PROBLEM[result.problem]));
    setProblem('');
    setSaved(false);
    setList(result.list);
    setName('');
  };
  const persist = () => {
    setProblem('');
    save.mutate(
      { key: 'conversation_categories', value: list },
      {
        onSuccess: () => setSaved(true),
        onError: (err) => setProblem(fieldErrors(err).value ?? problemText(err, t)),
      },
    );
  };
  const changed = JSON.stringify(list) !== JSON.stringify(stored);

  return (
    <div className="page narrow">
      <h1>{t('settings.categories.title')}</h1>
      <p className="hint">{t('settings.categories.hint')}</p>
      <ol className="category-list">
        {list.map((c, i) => (
          <li key={c}>
            <span className="label-name">{c}</span>
            {writable ? (
              <span className="row-actions">
                <button
                  type="button"
                  aria-label={t('settings.categories.up', { name: c })}
                  disabled={i === 0}
                  onClick={() => setList(moveCategory(list, i, -1))}
                >
                  ↑
                </button>
                <button
                  type="button"
                  aria-label={t('settings.categories.down', { name: c })}
                  disabled={i === list.length - 1}
                  onClick={() => setList(moveCategory(list, i, 1))}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="button-quiet"
                  disabled={list.length === 1}
                  onClick={() => setList(list.filter((x) => x !== c))}
                >
                  {t('settings.remove')}
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      {writable ? (
        <>
          <form className="inline-form" onSubmit={add}>
            <label htmlFor="category-name" className="visually-hidden">
              {t('settings.categories.new')}
            </label>
            <input
              id="category-name"
              value={name}
              maxLength={50}
              placeholder={t('settings.categories.new')}
              onChange={(e) => setName(e.target.value)}
            />
            <button type="submit">{t('settings.add')}</button>
          </form>
          {problem ? (
            <p className="field-error" role="alert">
              {problem}
            </p>
          ) : null}
          {saved && !changed ? (
            <p className="form-ok" role="status">
              {t('settings.saved')}
            </p>
          ) : null}
          <button
            type="button"
            className="button-primary"
            disabled={!changed || save.isPending}
            onClick={persist}
          >
            {t('settings.save')}
          </button>
        </>
      ) : null}
    </div>
  );
}
